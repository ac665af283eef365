#!/usr/bin/env bash
# `make run`: the development server, with localstripe standing in for Stripe so that a newcomer can
# pay by card (4242 4242 4242 4242). localstripe listens on 127.0.0.1:$LOCALSTRIPE_PORT, posts its
# webhooks to this server, and stops with it. Without localstripe the site runs without card payment.
# STRIPE_SECRET_KEY already set in the environment (or .env) means "use my own Stripe": left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
PY=${PY:-.venv/bin/python}
LOCALSTRIPE_PORT=${LOCALSTRIPE_PORT:-8420}
export LOCALSTRIPE_VENV=${LOCALSTRIPE_VENV:-.venv-localstripe}
stand_in=http://127.0.0.1:$LOCALSTRIPE_PORT

serve() { exec "$PY" manage.py runserver "$HOST:$PORT"; }
answers() { "$PY" - "$1" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=1).close()
except OSError:
    sys.exit(1)
PY
}

if [ -n "${STRIPE_SECRET_KEY:-}" ] || grep -qs '^STRIPE_SECRET_KEY=.' .env; then
  echo "Card payments: the STRIPE_* settings you gave (localstripe not started)."
  serve
fi
if [ ! -x "$LOCALSTRIPE_VENV/bin/gunicorn" ]; then
  echo "Card payments are off: localstripe is not installed in $LOCALSTRIPE_VENV (make localstripe)."
  serve
fi
if answers "$stand_in/js.stripe.com/v3/"; then
  echo "Card payments are off: something already listens on 127.0.0.1:$LOCALSTRIPE_PORT (set LOCALSTRIPE_PORT)."
  serve
fi

bash scripts/localstripe.sh "$LOCALSTRIPE_PORT" >.localstripe.log 2>&1 &
localstripe_pid=$!
trap 'kill "$localstripe_pid" 2>/dev/null || true; wait "$localstripe_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  answers "$stand_in/js.stripe.com/v3/" && break
  kill -0 "$localstripe_pid" 2>/dev/null || break
  sleep 0.2
done
if ! answers "$stand_in/js.stripe.com/v3/"; then
  echo "Card payments are off: localstripe did not start (see .localstripe.log)."
  kill "$localstripe_pid" 2>/dev/null || true
  trap - EXIT
  serve
fi

export STRIPE_SECRET_KEY=sk_test_localstripe
export STRIPE_PUBLISHABLE_KEY=pk_test_localstripe
export STRIPE_WEBHOOK_SECRET=whsec_localstripe_dev
export STRIPE_API_BASE=$stand_in
export STRIPE_JS_URL=$stand_in/js.stripe.com/v3/
# localstripe signs each event with this secret and posts it here, a second after it happens.
"$PY" - "$stand_in" "http://127.0.0.1:$PORT/payments/stripe/webhook/" "$STRIPE_WEBHOOK_SECRET" <<'PY'
import sys, urllib.parse, urllib.request
stand_in, url, secret = sys.argv[1:]
body = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
urllib.request.urlopen(f"{stand_in}/_config/webhooks/dev", data=body, timeout=5).close()
PY
echo "Card payments: localstripe on $stand_in (log: .localstripe.log); pay with 4242 4242 4242 4242."
"$PY" manage.py runserver "$HOST:$PORT"
