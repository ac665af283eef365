"""gunicorn's settings for the production server (`make serve`, scripts/serve.sh), all from the environment
(or the env file the settings read, DJANGO_ENV_FILE or ./.env).

    gunicorn -c config/gunicorn.conf.py        (the application, config.wsgi, is named inside)

| Variable | Default | Meaning |
| --- | --- | --- |
| GUNICORN_BIND | 127.0.0.1:8000 | Address (or `unix:/path`) to listen on; behind a reverse proxy. |
| WEB_CONCURRENCY | 2 × cores + 1 | Worker processes (gunicorn's own variable). |
| GUNICORN_THREADS | 1 | Threads per worker; above 1 the worker class is gthread. |
| GUNICORN_TIMEOUT | 30 | Seconds a request may run before its worker is killed and replaced. |
| GUNICORN_GRACEFUL_TIMEOUT | 30 | Seconds workers get to finish their requests on stop or reload. |
| GUNICORN_KEEPALIVE | 5 | Seconds a kept-alive connection waits for its next request (gthread). |
| GUNICORN_MAX_REQUESTS | 1000 | A worker is replaced after this many requests (0: never). |
| GUNICORN_MAX_REQUESTS_JITTER | 100 | Random extra requests, so that workers are not all replaced at once. |
| GUNICORN_PRELOAD | true | Load Django once in the master, then fork the workers. |
| GUNICORN_ACCESS_LOG | - | Access log: `-` is stdout; empty turns it off. |
| GUNICORN_LOG_LEVEL | info | gunicorn's own log (stderr). |
| FORWARDED_ALLOW_IPS | 127.0.0.1,::1 | Proxies whose X-Forwarded-* headers gunicorn believes (gunicorn's own variable). |

Why these defaults, on Django with a synchronous ORM: a sync worker serves one request at a time,
and a page is mostly Python CPU with short database waits, so about two workers per core keep the
cores busy while some wait, plus one (gunicorn's advice, 2 × cores + 1). Threads share a core
through the GIL (bench_checkout measured 38 purchases/s with threads against 52-60 with processes),
so they stay at 1 unless slow clients reach gunicorn without a buffering proxy. The timeout bounds a
stuck request. 30 s is ample: the long work (the meeting scheduler, large statement imports,
emails) runs in the task worker, not in a request. A database that
does not answer fails sooner (DATABASE_CONNECT_TIMEOUT, 5 s) and answers 503. Replacing workers every thousand requests or so bounds slow memory growth; preloading
makes that cheap (a fork) and makes a broken configuration fail once, in the master, at start.
"""

import multiprocessing
import os
import sys
from pathlib import Path

import environ

# The same env file the settings read (variables already set win), so that GUNICORN_* set there
# apply too: this file is read before Django starts.
environ.Env.read_env(
    os.environ.get("DJANGO_ENV_FILE", str(Path(__file__).resolve().parent.parent / ".env")), overwrite=False
)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on"}


wsgi_app = "config.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "").strip() or "127.0.0.1:8000"]
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
preload_app = _bool("GUNICORN_PRELOAD", True)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Access log lines with the time each request took, in microseconds (%(D)s).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'
# gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl by default, one path for every
# gunicorn the user runs; nothing here uses it.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
# Workers' heartbeat files in memory, not on a disk that may stall (a container's overlay).
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's documented choice, not a file we name
    worker_tmp_dir = "/dev/shm"  # noqa: S108


def worker_exit(server, worker):
    """Leave without tearing the interpreter down object by object, with the exit status gunicorn chose.

    A worker forked from the preloaded master shares its memory; Python's finalisation at exit
    touches every object, copying those pages and taking seconds of CPU (6-8 s to stop two workers
    on the loaded two-core development machine, 2 s with this). The requests are done; the database
    connections are closed and the logs flushed here. gunicorn calls this hook
    while the worker's SystemExit propagates, so its code (boot errors included) is kept.
    """
    error = sys.exc_info()[1]
    code = error.code if isinstance(error, SystemExit) else 1
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: S110 - leaving anyway; the server notices the closed socket
        pass
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))
