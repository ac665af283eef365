#!/usr/bin/env bash
# Browser tests drive Debian's Chromium. Install it when missing and we may (root + apt);
# otherwise say so: the browser tests then skip with this reason and everything else runs.
set -u
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium package for the browser tests..."
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/tmp/chromium-install.log 2>&1; then
    echo "Chromium installed: $("$CHROMIUM" --version 2>/dev/null)"
    exit 0
  fi
  echo "Could not install chromium (see /tmp/chromium-install.log): browser tests will be skipped."
else
  echo "Chromium not found at $CHROMIUM and cannot install it (needs root and apt-get): browser tests will be skipped."
fi
exit 0
