#!/usr/bin/env bash
# CI: boot the production shape on a scratch PostgreSQL database and smoke-test it, then stop it.
#
# `scripts/serve.sh` (what `make serve` runs) starts as production does: debug off, migrate and
# collectstatic, gunicorn (config/gunicorn.conf.py, 2 workers here) and the django-tasks database
# worker, with Redis as the cache when 127.0.0.1:6379 answers (local memory otherwise). The data is
# the minimum (`manage.py load_smoke_data`: one cooperative, one product, one buyer). Then
# scripts/smoke_production.py checks /readyz, pages, search, a checkout through the API paid by a
# VietQR bank statement import, and that the worker ran the search-index task load_smoke_data
# queued. Whatever happens, the server and the worker are stopped, the database dropped and the
# cache keys removed (trap).
#
# The scratch database is a copy of a migrated template (scripts/scratch_database.py), rebuilt
# whenever a migration or an installed package changes; serve.sh's `migrate` then has nothing to do.
# On a fresh machine the first run builds the template, which takes a minute longer.
#
# Environment: SMOKE_POSTGRES (server URL, default postgres://postgres@127.0.0.1:5432),
# SMOKE_DATABASE (default coop_smoke_<pid>; dropped afterwards), SMOKE_TEMPLATE (the template's
# name prefix, default coop_template; "none" migrates an empty database instead),
# SMOKE_PORT (default: a free port), SMOKE_REDIS (default redis://127.0.0.1:6379/0; "none" for
# local memory).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
started=$(date +%s%N)
seconds_since() { local tenths=$((($(date +%s%N) - $1) / 100000000)); echo "$((tenths / 10)).$((tenths % 10)) s"; }
elapsed() { seconds_since "$started"; }
say() { echo "[$(elapsed)] $*"; }

postgres=${SMOKE_POSTGRES:-postgres://postgres@127.0.0.1:5432}
export SCRATCH_POSTGRES=$postgres
database=${SMOKE_DATABASE:-coop_smoke_$$}
template=${SMOKE_TEMPLATE:-coop_template}
port=${SMOKE_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
redis=${SMOKE_REDIS:-redis://127.0.0.1:6379/0}
work=$(mktemp -d /tmp/smoke-production.XXXXXX)
serve_pid=""

redis_answers() {
  "$PY" -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()' "$1" 2>/dev/null
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$serve_pid" 2>/dev/null || true
  fi
  if [ "$status" != 0 ] && [ -f "$work/serve.log" ]; then
    echo "--- the server's last lines ($work/serve.log) ---"
    tail -n 40 "$work/serve.log"
    echo "---"
  fi
  "$PY" scripts/scratch_database.py drop "$database" >/dev/null || echo "Could not drop the database $database." >&2
  if [ -n "${CACHE_KEY_PREFIX:-}" ]; then
    "$PY" -c 'import sys, redis; r = redis.Redis.from_url(sys.argv[1]); keys = list(r.scan_iter(sys.argv[2] + ":*")); keys and r.delete(*keys)' "$redis" "$CACHE_KEY_PREFIX" 2>/dev/null || true
  fi
  rm -rf "$work"
  if [ "$status" = 0 ]; then
    say "Dropped $database and the cache keys. Smoke test PASSED in $(elapsed) (load average $(cut -d' ' -f1-3 /proc/loadavg))."
  else
    say "Smoke test FAILED (exit status $status); $database was dropped."
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export DATABASE_URL=$postgres/$database
export DJANGO_ENV_FILE=/dev/null
export DJANGO_DEBUG=false
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export TASKS_BACKEND=django_tasks_db.DatabaseBackend
export GUNICORN_BIND=127.0.0.1:$port
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}
export GUNICORN_ACCESS_LOG=-
# STATIC_ROOT stays the default (./staticfiles): serve.sh collects into it only when the static
# sources changed since the last run.
unset STATIC_ROOT
export MEDIA_ROOT=$work/media PRIVATE_MEDIA_ROOT=$work/private-media
export EMAIL_URL=dummymail://
export TASK_WORKER_RESTART_SECONDS=1
if [ "$redis" != none ] && redis_answers "$redis"; then
  export REDIS_URL=$redis
  export CACHE_KEY_PREFIX=smoke-$database-$$
  cache="Redis $redis (keys prefixed $CACHE_KEY_PREFIX)"
else
  unset REDIS_URL CACHE_URL
  cache="local memory (no Redis answers at $redis)"
fi

say "Scratch database $database on $postgres; cache: $cache"
if [ "$template" = none ]; then
  say "$("$PY" scripts/scratch_database.py create "$database")"
else
  say "$("$PY" scripts/scratch_database.py create "$database" --template-prefix "$template")"
fi

say "make serve's script: migrate and collectstatic, then gunicorn on 127.0.0.1:$port and the task worker"
: >"$work/serve.log"
bash scripts/serve.sh >"$work/serve.log" 2>&1 &
serve_pid=$!

alive() { kill -0 "$serve_pid" 2>/dev/null || { echo "scripts/serve.sh stopped before the server was ready." >&2; exit 1; }; }
until grep -q "^serve: gunicorn" "$work/serve.log"; do alive; sleep 0.5; done
say "$(grep "^serve: migrate" "$work/serve.log")"
say "gunicorn and the worker are starting; seeding the smallest shop meanwhile"
"$PY" manage.py load_smoke_data --json >"$work/seed.json" &
seed_pid=$!

readyz=""
for _ in $(seq 240); do
  alive
  readyz=$(curl -s --max-time 5 "http://127.0.0.1:$port/readyz" || true)
  case "$readyz" in *'"status": "ok"'*) break ;; esac
  sleep 0.5
done
case "$readyz" in *'"status": "ok"'*) ;; *) echo "/readyz never answered ok: $readyz" >&2; exit 1 ;; esac
say "/readyz: $readyz"
wait "$seed_pid"
say "seeded: $(cat "$work/seed.json")"

"$PY" scripts/smoke_production.py --base "http://127.0.0.1:$port" --seed "$work/seed.json" --cache "$cache"

say "stopping (TERM to scripts/serve.sh: gunicorn and the worker)"
stopping=$(date +%s%N)
kill -TERM "$serve_pid"
wait "$serve_pid" || true
serve_pid=""
if curl -s --max-time 2 "http://127.0.0.1:$port/healthz" >/dev/null; then
  echo "gunicorn still answers on 127.0.0.1:$port after the stop" >&2
  exit 1
fi
leftover=$(ps -eo pid=,args= | grep -E "gunicorn -c config/gunicorn.conf.py|manage.py db_worker" | grep -v grep | while read -r pid _; do
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "DATABASE_URL=$DATABASE_URL" && echo "$pid"; done || true)
if [ -n "$leftover" ]; then
  echo "still running after the stop: $leftover" >&2
  exit 1
fi
say "stopped: gunicorn and the worker exited in $(seconds_since "$stopping")"
