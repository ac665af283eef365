#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 for user postgres without a password.
# On a machine without one, install Debian's package, allow trust on loopback, and start it.
set -euo pipefail
answers() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || python3 - <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PY
}
if answers; then
  echo "PostgreSQL answers on 127.0.0.1:5432"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "No PostgreSQL on 127.0.0.1:5432 and not root: cannot install one." >&2
  exit 1
fi
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "Installing PostgreSQL from Debian's packages..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -n | tail -1)
hba=/etc/postgresql/$version/main/pg_hba.conf
if ! grep -q "coop-ci trust" "$hba"; then
  # CI only: the test user connects over loopback without a password.
  sed -i '1i host all postgres 127.0.0.1/32 trust # coop-ci trust\nhost all postgres ::1/128 trust # coop-ci trust' "$hba"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
for _ in $(seq 1 30); do
  answers && { echo "PostgreSQL $version started"; exit 0; }
  sleep 1
done
echo "PostgreSQL did not start" >&2
exit 1
