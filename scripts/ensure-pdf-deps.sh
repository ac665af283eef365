#!/usr/bin/env bash
# PDF documents (order confirmations, settlement statements) are drawn by WeasyPrint, which needs
# Debian's Pango, HarfBuzz and fontconfig libraries and a font with every Vietnamese letter
# (DejaVu Sans has them all). Install what is missing when we may (root + apt); otherwise say so:
# the PDF tests then skip with this reason and everything else runs.
set -u
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig fonts-dejavu-core"
missing=""
for package in $PACKAGES; do
  if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]; then
    missing="$missing $package"
  fi
done
if [ -z "$missing" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "PDF libraries or fonts are missing:$missing; installing them for WeasyPrint..."
  # The package lists are refreshed only when installing from the ones on the machine fails.
  apt_install() {
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  }
  if (apt_install || (apt-get update -qq && apt_install)) >/tmp/pdf-deps-install.log 2>&1; then
    echo "Installed:$missing"
    exit 0
  fi
  echo "Could not install$missing (see /tmp/pdf-deps-install.log): PDF tests will be skipped."
else
  echo "Missing$missing and cannot install them (needs root and apt-get): PDF tests will be skipped."
fi
exit 0
