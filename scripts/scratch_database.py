"""Migrated template databases, and scratch databases copied from them, for the test suite,
scripts/smoke-production.sh and scripts/drill-db-restart.sh.

    python scripts/scratch_database.py create NAME [--template-prefix PREFIX]
    python scripts/scratch_database.py drop NAME

Running `migrate` on an empty database takes half a minute on two cores, most of it in Django's
migration state over some 250 migrations; copying a migrated template takes about a second. So:

- `create` makes the PostgreSQL database NAME as a copy of the template PREFIX_<hash> (CREATE
  DATABASE ... TEMPLATE), where the hash covers every migration file of the project, its settings
  and the version of every installed package (whose migrations Django runs too). The first run
  after any of them changes builds the template with `manage.py migrate`, renames it into place,
  and drops templates of the same prefix left by older migrations. Without --template-prefix NAME
  is created empty, for the caller's own `migrate`. Either way the caller still runs `migrate` (a
  no-op on a copy). `drop` drops NAME, disconnecting whoever is still connected.
- For SQLite the template is a file, under the system's temporary folder (`coop-templates/`), and
  `copy_sqlite` copies it into a database file or an open (in-memory) connection.

One process builds a template at a time on a machine (a lock file beside the SQLite templates);
the others wait for it and copy it. The tests make their databases this way (tests/conftest.py).

The server is SCRATCH_POSTGRES (default postgres://postgres@127.0.0.1:5432). The command prints
one line saying what it did.
"""

import argparse
import contextlib
import fcntl
import hashlib
import importlib.metadata
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PREFIX = "coop_template"
SQLITE_TEMPLATES = Path(tempfile.gettempdir()) / "coop-templates"


def server() -> str:
    return os.environ.get("SCRATCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def admin(on: str | None = None):
    return psycopg.connect(f"{on or server()}/postgres", autocommit=True, connect_timeout=10)


def exists(name: str, *, on: str | None = None) -> bool:
    with admin(on) as connection:
        return (
            connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
        )


def drop(name: str, *, on: str | None = None) -> None:
    with admin(on) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def migrations_hash() -> str:
    digest = hashlib.sha256()
    # Every app's migrations, and the settings (Wagtail's first locale comes from LANGUAGE_CODE).
    for path in [*sorted(ROOT.glob("*/migrations/*.py")), ROOT / "config" / "settings.py"]:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    for name, version in sorted(
        (dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions()
    ):
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()[:12]


@contextlib.contextmanager
def _one_builder(template: str) -> Iterator[None]:
    """Held while a template is looked for and built: one builder a machine, the others wait."""
    SQLITE_TEMPLATES.mkdir(parents=True, exist_ok=True)
    with open(SQLITE_TEMPLATES / f"{template}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _migrate(url: str) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


def build_template(template: str, prefix: str, *, on: str | None = None) -> float:
    """Migrate a database of its own and rename it to `template`; drop older templates of `prefix`."""
    building = f"{template}_building_{os.getpid()}"
    began = time.monotonic()
    with admin(on) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
    try:
        _migrate(f"{on or server()}/{building}")
        with admin(on) as connection:
            connection.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(building), sql.Identifier(template)
                )
            )
            # Nobody connects to a template by mistake: a connection would make copying it fail.
            connection.execute(
                sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(template))
            )
            stale = connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s AND datname NOT LIKE %s",
                (f"{prefix}\\_%", template, "%\\_building\\_%"),
            ).fetchall()
            for (name,) in stale:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
    except psycopg.errors.DuplicateDatabase:
        pass  # another run built the same template meanwhile
    finally:
        drop(building, on=on)
    return time.monotonic() - began


def create(name: str, prefix: str | None, *, on: str | None = None) -> str:
    drop(name, on=on)
    if not prefix:
        with admin(on) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return f"created {name} empty"
    template = f"{prefix}_{migrations_hash()}"
    how = f"copied from the migrated template {template}"
    with _one_builder(template):
        if not exists(template, on=on):
            seconds = build_template(template, prefix, on=on)
            how += f" (built now: migrate took {seconds:.0f} s; later runs copy it)"
    with admin(on) as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        )
    return f"created {name}, {how}"


def sqlite_template() -> Path:
    """The migrated SQLite template file for the current migrations, built now if there is none."""
    template = SQLITE_TEMPLATES / f"{TEMPLATE_PREFIX}_{migrations_hash()}.sqlite3"
    with _one_builder(template.name):
        if not template.exists():
            building = template.with_name(f"{template.stem}_building_{os.getpid()}.sqlite3")
            try:
                _migrate(f"sqlite:///{building}")
                # One file, whatever the journal mode: its write-ahead log folded in.
                with contextlib.closing(sqlite3.connect(building)) as connection:
                    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    connection.execute("PRAGMA journal_mode=DELETE")
                os.replace(building, template)
            finally:
                for leftover in SQLITE_TEMPLATES.glob(f"{building.name}*"):
                    leftover.unlink()
            for stale in SQLITE_TEMPLATES.glob(f"{TEMPLATE_PREFIX}_*.sqlite3"):
                if stale != template and "_building_" not in stale.name:
                    stale.unlink(missing_ok=True)
    return template


def copy_sqlite(target: Path | sqlite3.Connection) -> None:
    """Copy the migrated SQLite template into a database file (replaced) or an open connection (an
    in-memory database the caller keeps open)."""
    with contextlib.closing(sqlite3.connect(sqlite_template())) as source:
        if isinstance(target, sqlite3.Connection):
            source.backup(target)
            return
        Path(target).unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(target)) as copy:
            source.backup(copy)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=("create", "drop"))
    parser.add_argument("name")
    parser.add_argument("--template-prefix", help="copy a migrated template database named PREFIX_<hash>")
    options = parser.parse_args()
    if options.action == "create":
        print(create(options.name, options.template_prefix))
    else:
        drop(options.name)
        print(f"dropped {options.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
