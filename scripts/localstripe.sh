#!/usr/bin/env bash
# Run localstripe, the Stripe stand-in, in the foreground on 127.0.0.1:PORT, and only there.
#
# localstripe is GPL-3.0: it runs as its own process from its own virtualenv (.venv-localstripe,
# `make localstripe`), and nothing of ours imports it. Its own command (`localstripe --port N`) binds
# every interface (::), so gunicorn serves its aiohttp application instead, bound to loopback.
# One worker: localstripe keeps its state in that process's memory. It starts empty each time.
set -euo pipefail
port=${1:?usage: scripts/localstripe.sh PORT}
venv=${LOCALSTRIPE_VENV:-$(cd "$(dirname "$0")/.." && pwd)/.venv-localstripe}
if [ ! -x "$venv/bin/gunicorn" ] || [ ! -x "$venv/bin/localstripe" ]; then
  echo "localstripe is not installed in $venv (run: make localstripe)" >&2
  exit 3
fi
exec "$venv/bin/gunicorn" --bind "127.0.0.1:$port" --workers 1 \
  --worker-class aiohttp.GunicornWebWorker --no-control-socket --graceful-timeout 2 \
  --log-level warning localstripe.server:app
