"""Scratch PostgreSQL databases for scripts/smoke-production.sh and scripts/drill-db-restart.sh.

    python scripts/scratch_database.py create NAME [--template-prefix PREFIX]
    python scripts/scratch_database.py drop NAME

`create` makes NAME as a copy of a migrated template database (CREATE DATABASE ... TEMPLATE, about a
second) named PREFIX_<hash>, where the hash covers every migration file of the project and the
version of every installed package (whose migrations Django runs too). The first run after any of
them changes builds the template with `manage.py migrate` (a minute on two cores), renames it into
place, and drops templates of the same prefix left by older migrations. Without --template-prefix
NAME is created empty, for the caller's own `migrate`. Either way the caller still runs `migrate`
(a no-op on a copy). `drop` drops NAME, disconnecting whoever is still connected.

The server is SCRATCH_POSTGRES (default postgres://postgres@127.0.0.1:5432). Prints one line saying
what it did.
"""

import argparse
import hashlib
import importlib.metadata
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "catalog", "marketplace", "fairs", "cms", "demo")


def server() -> str:
    return os.environ.get("SCRATCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def admin():
    return psycopg.connect(f"{server()}/postgres", autocommit=True, connect_timeout=10)


def exists(name: str) -> bool:
    with admin() as connection:
        return (
            connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
        )


def drop(name: str) -> None:
    with admin() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def migrations_hash() -> str:
    digest = hashlib.sha256()
    for app in APPS:
        for path in sorted((ROOT / app).glob("migrations/*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    for name, version in sorted(
        (dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions()
    ):
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()[:12]


def build_template(template: str, prefix: str) -> float:
    """Migrate a database of its own and rename it to `template`; drop older templates of `prefix`."""
    building = f"{template}_building_{os.getpid()}"
    began = time.monotonic()
    with admin() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
    try:
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": f"{server()}/{building}"},
            check=True,
        )
        with admin() as connection:
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
        drop(building)
    return time.monotonic() - began


def create(name: str, prefix: str | None) -> str:
    drop(name)
    if not prefix:
        with admin() as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return f"created {name} empty"
    template = f"{prefix}_{migrations_hash()}"
    how = f"copied from the migrated template {template}"
    if not exists(template):
        seconds = build_template(template, prefix)
        how += f" (built now: migrate took {seconds:.0f} s; later runs copy it)"
    with admin() as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        )
    return f"created {name}, {how}"


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
