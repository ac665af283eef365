#!/usr/bin/env bash
# Fault drill: PostgreSQL restarts while the production shape serves a bounded load.
#
# NOT for CI, and not on a shared server at a busy moment: it restarts the whole local PostgreSQL
# cluster (every database on it; a second or two of refused connections for everyone).
#
# Boots what `make serve` runs (scripts/serve.sh: gunicorn, 3 workers here, and the task worker, debug
# off) on a scratch copy of the migrated template (scripts/scratch_database.py), seeds the smallest
# shop with 3 buyers, then scripts/drill_db_restart.py runs the load, restarts PostgreSQL after
# DRILL_RESTART_AFTER seconds (default 10) and prints one JSON object of figures: requests ok /
# 503 / other, the slowest 503, the outage and the time to recover, checkouts, and the
# half-written purchases found in the database (the goal: none). It also reports how often
# serve.sh had to start the task worker again. Everything is stopped and dropped afterwards.
#
# Environment: DRILL_RESTART (default: pg_ctlcluster ... restart -m fast for the cluster on port
# 5432), DRILL_DURATION (seconds of load, default 45), DRILL_DATABASE (default coop_drill_<pid>),
# DRILL_TEMPLATE (template prefix, default coop_template), SMOKE_POSTGRES, DRILL_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

postgres=${SMOKE_POSTGRES:-postgres://postgres@127.0.0.1:5432}
export SCRATCH_POSTGRES=$postgres
database=${DRILL_DATABASE:-coop_drill_$$}
template=${DRILL_TEMPLATE:-coop_template}
port=${DRILL_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
if [ -z "${DRILL_RESTART:-}" ]; then
  read -r version cluster < <(pg_lsclusters -h | awk '$3 == 5432 { print $1, $2; exit }')
  DRILL_RESTART="pg_ctlcluster --skip-systemctl-redirect -m fast $version $cluster restart"
fi
work=$(mktemp -d /tmp/drill-db-restart.XXXXXX)
serve_pid=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  [ "$status" = 0 ] || { echo "--- serve.log ---"; tail -n 30 "$work/serve.log" 2>/dev/null || true; }
  "$PY" scripts/scratch_database.py drop "$database" >/dev/null || echo "Could not drop $database." >&2
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export DATABASE_URL=$postgres/$database
export DJANGO_ENV_FILE=/dev/null DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=127.0.0.1
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export TASKS_BACKEND=django_tasks_db.DatabaseBackend
export GUNICORN_BIND=127.0.0.1:$port WEB_CONCURRENCY=${WEB_CONCURRENCY:-3} GUNICORN_ACCESS_LOG=
export MEDIA_ROOT=$work/media PRIVATE_MEDIA_ROOT=$work/private-media EMAIL_URL=dummymail://
export TASK_WORKER_RESTART_SECONDS=1 LOG_LEVEL=ERROR
unset REDIS_URL CACHE_URL STATIC_ROOT

echo "$("$PY" scripts/scratch_database.py create "$database" --template-prefix "$template")" >&2
: >"$work/serve.log"
bash scripts/serve.sh >"$work/serve.log" 2>&1 &
serve_pid=$!
until grep -q "^serve: gunicorn" "$work/serve.log"; do
  kill -0 "$serve_pid" 2>/dev/null || { echo "serve.sh stopped" >&2; exit 1; }
  sleep 0.5
done
"$PY" manage.py load_smoke_data --json --buyers 3 >"$work/seed.json"
until curl -s --max-time 5 "http://127.0.0.1:$port/readyz" | grep -q '"status": "ok"'; do sleep 0.5; done
echo "Serving on 127.0.0.1:$port; load for ${DRILL_DURATION:-45} s, restart after ${DRILL_RESTART_AFTER:-10} s: $DRILL_RESTART" >&2

status=0
"$PY" scripts/drill_db_restart.py --base "http://127.0.0.1:$port" --seed "$work/seed.json" \
  --database "$DATABASE_URL" --restart "$DRILL_RESTART" \
  --duration "${DRILL_DURATION:-45}" --restart-after "${DRILL_RESTART_AFTER:-10}" >"$work/figures.json" || status=$?
restarts=$(grep -c "the task worker stopped" "$work/serve.log" || true)
"$PY" -c 'import json, sys; figures = json.load(open(sys.argv[1])); figures["task_worker_restarts"] = int(sys.argv[2]); print(json.dumps(figures, ensure_ascii=False))' \
  "$work/figures.json" "$restarts"
exit "$status"
