#!/usr/bin/env bash
# `make serve`: the production shape on one machine. Debug off, against the configured DATABASE_URL:
# migrate and collectstatic, then gunicorn (config/gunicorn.conf.py) and one task worker
# (`manage.py db_worker`, TASKS_BACKEND=django_tasks_db.DatabaseBackend) side by side.
#
# - Refuses to start, saying why, without DJANGO_SECRET_KEY or DJANGO_ALLOWED_HOSTS (from the
#   environment or the env file the settings read, DJANGO_ENV_FILE or ./.env).
# - collectstatic runs when the static sources changed since it last ran into STATIC_ROOT
#   (scripts/serve_preflight.py), or always with SERVE_COLLECTSTATIC=always.
# - Ctrl-C or TERM stops both: gunicorn finishes its requests (GUNICORN_GRACEFUL_TIMEOUT) and the
#   worker its current task. If gunicorn stops by itself, the worker is stopped too.
# - The worker exits when the database goes away (django-tasks-db's worker does); it is started
#   again after TASK_WORKER_RESTART_SECONDS (default 5), as a process supervisor would.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-$(dirname "$PY")/gunicorn}
RESTART_SECONDS=${TASK_WORKER_RESTART_SECONDS:-5}

export DJANGO_DEBUG=false
export TASKS_BACKEND=django_tasks_db.DatabaseBackend

missing="" static_root="" fingerprint="" collect="" stamp=""
preflight=$("$PY" scripts/serve_preflight.py)
eval "$preflight"
if [ -n "$missing" ]; then
  {
    echo "make serve runs the production shape (debug off) and needs: ${missing// /, }."
    echo "Set them in the environment or in .env (see .env.example), e.g."
    echo "  DJANGO_SECRET_KEY=\$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
    echo "  DJANGO_ALLOWED_HOSTS=san.example.vn"
    echo "For development use \`make run\` instead."
  } >&2
  exit 2
fi

if [ "$collect" = yes ]; then
  echo "serve: migrate and collectstatic into $static_root (DJANGO_DEBUG=false)"
  # Independent of each other: run side by side, and stop if either fails.
  rm -f "$stamp"
  "$PY" manage.py collectstatic --noinput --verbosity 0 &
  collecting=$!
  "$PY" manage.py migrate --noinput
  wait "$collecting"
  echo "$fingerprint" >"$stamp"
else
  echo "serve: migrate (DJANGO_DEBUG=false); static files in $static_root are up to date (SERVE_COLLECTSTATIC=always collects anyway)"
  "$PY" manage.py migrate --noinput
fi

# Background jobs in process groups of their own (job control), so that a Ctrl-C reaches this
# script alone, which then stops each process once, in order.
set -m

run_worker() {
  local pid="" status
  trap 'if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; exit 0' TERM INT
  while true; do
    "$PY" manage.py db_worker --no-startup-delay --no-reload &
    pid=$!
    status=0
    wait "$pid" || status=$?
    pid=""
    echo "serve: the task worker stopped (exit status $status); starting it again in ${RESTART_SECONDS} s." >&2
    sleep "$RESTART_SECONDS" &
    wait $! || true
  done
}

"$GUNICORN" -c config/gunicorn.conf.py &
web=$!
run_worker &
worker=$!
echo "serve: gunicorn (pid $web) on ${GUNICORN_BIND:-127.0.0.1:8000}, task worker (pid $worker); Ctrl-C stops both."

stop() {
  trap - INT TERM
  echo "serve: stopping gunicorn and the task worker" >&2
  kill -TERM "$web" "$worker" 2>/dev/null || true
  wait "$web" 2>/dev/null || true
  wait "$worker" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM

status=0
wait -n "$web" "$worker" || status=$?
echo "serve: a process stopped by itself (exit status $status)" >&2
stop
exit "$status"
