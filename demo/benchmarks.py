"""What the benchmark commands share: a database of their own, next to yours, and percentiles.

A benchmark never runs in the database you work in. It picks one beside it (a file under
bench-data/ on SQLite, `<name>_<suffix>` on the PostgreSQL server of DATABASE_URL), and the
command runs itself again as a subprocess with DATABASE_URL pointing there.
"""

import math
import os
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile, in the unit of `values`, to 0.1."""
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 1)


def current_url() -> str:
    """The SQLite database you work in, as a URL (empty on a server database)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    return ""


def is_working_database(url: str) -> bool:
    return url in (os.environ.get("DATABASE_URL"), current_url())


def bench_url(*, sqlite_file: str, postgres_suffix: str, command: str) -> str:
    """A database beside yours: bench-data/<sqlite_file>, or `<name>_<postgres_suffix>` on its server."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(settings.BASE_DIR) / "bench-data" / sqlite_file
        path.parent.mkdir(exist_ok=True)
        return f"sqlite:///{path}"
    if database["ENGINE"] == "django.db.backends.postgresql":
        parts = urlsplit(os.environ["DATABASE_URL"])
        return urlunsplit(parts._replace(path=f"/{database['NAME']}_{postgres_suffix}"))
    raise CommandError(f"{command} supports SQLite and PostgreSQL, not {database['ENGINE']}.")


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme.startswith("postgres")


def _server(url: str):
    import psycopg

    parts = urlsplit(url)
    return parts.path.lstrip("/"), psycopg.connect(
        urlunsplit(parts._replace(path="/postgres")), autocommit=True
    )


def ensure_postgres_database(url: str) -> None:
    """Create the database of `url` on its server when it is missing."""
    from psycopg import sql

    name, server = _server(url)
    with server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    """Remove the benchmark database of `url` (a file and its WAL, or a database on the server)."""
    if is_postgres(url):
        from psycopg import sql

        name, server = _server(url)
        with server:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        return
    path = Path(urlsplit(url).path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def display(url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def server_version() -> str:
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def server_memory() -> str | None:
    """PostgreSQL's shared buffers ("128MB", its default): whether the index fits in them changes
    how long a broad search takes, so the figures say it. None on SQLite."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        return cursor.fetchone()[0]


def server_cpu_ms():
    """A function giving the CPU milliseconds this connection's PostgreSQL backend has used, when
    the server runs on this machine and its /proc can be read; else None. With it, a benchmark
    can tell what a query cost from how long it waited for a core on a busy machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    path = Path(f"/proc/{pid}/schedstat")
    try:
        path.read_text()
    except OSError:
        return None
    # The first field is the time spent on a CPU, in nanoseconds.
    return lambda: int(path.read_text().split()[0]) / 1e6


def machine() -> dict:
    """Context for reading the figures: cores and how busy the machine was."""
    return {
        "cpu_count": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }
