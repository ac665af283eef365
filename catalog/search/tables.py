"""PostgreSQL: rebuild a table as a fresh copy, then put the copy in its place.

Emptying a table and writing every row again in one transaction (so that readers see the old rows
until the commit) leaves the old rows dead beside the new ones: the table then holds two copies,
which VACUUM marks for reuse but never gives back, and every index takes each row as it comes,
GIN indexes included. A fresh table with no index takes the rows several times faster, and its
indexes are then built in one pass each, sorted in memory (maintenance_work_mem).

`fresh_copy` creates the copy, empty, with the table's columns (generated ones included), their
storage and compression, its CHECK constraints and its storage parameters. The caller fills it.
`put_in_place` then builds on it every index, constraint and statistics object of the table, as
pg_get_indexdef and its kin print them, drops the table and gives the copy its name and theirs,
all before the caller's commit. So the schema after a rebuild is the one the migrations made,
name for name, and a later migration finds what it expects.

Locks: `fresh_copy` takes SHARE ROW EXCLUSIVE on the table, which lets readers read and makes
writers (and another rebuild) wait until the commit, so no write made meanwhile is lost: it
goes to the new table once the old one is gone. `put_in_place` adds the foreign keys last, since
that locks the tables they refer to against writes until the commit, then takes ACCESS EXCLUSIVE to
drop the table: readers wait from then until the commit, a few renames later.

Dropping a table with a foreign key also drops the key's triggers on the table it refers to, which
takes ACCESS EXCLUSIVE there, waiting for every transaction that read it. One that read it and then
waited for this table deadlocks with the rebuild: so the listings' table has no foreign key in
PostgreSQL (catalog migration 0011), and its rebuild locks the search tables alone.
"""

import re

NEXT_SUFFIX = "_next"
# Building an index sorts its entries in this much memory (this transaction only).
BUILD_MEMORY = "256MB"

INDEX_DEFINITION = re.compile(r"^CREATE (UNIQUE )?INDEX (\S+) ON (?:ONLY )?(\S+) (USING .+)$", re.DOTALL)
STATISTICS_DEFINITION = re.compile(r"^CREATE STATISTICS (\S+) (.+) FROM (\S+)$", re.DOTALL)


def fresh_copy(connection, table: str) -> str:
    """An empty copy of `table`, without its indexes, to be filled and then `put_in_place`."""
    copy = f"{table}{NEXT_SUFFIX}"
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [table])
        options = cursor.fetchone()[0] or []
        storage = f" WITH ({', '.join(options)})" if options else ""
        cursor.execute(
            f"CREATE TABLE {copy} (LIKE {table} INCLUDING DEFAULTS INCLUDING GENERATED "
            f"INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION){storage}"
        )
        # Per-column statistics targets, where a migration set one.
        cursor.execute(
            "SELECT attname, attstattarget FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped AND attstattarget > 0",
            [table],
        )
        for column, target in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {copy} ALTER COLUMN "{column}" SET STATISTICS {int(target)}')
    return copy


def put_in_place(connection, table: str, copy: str) -> None:
    """Give `copy` the indexes, constraints and statistics of `table`, then its place and name."""
    renames = []  # (kind, temporary name, name)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
            [table],
        )
        for n, (name, definition) in enumerate(cursor.fetchall()):
            match = INDEX_DEFINITION.match(definition)
            if match is None:
                raise RuntimeError(f"Cannot rebuild the index {name}: {definition}")
            unique, _name, _table, rest = match.groups()
            temporary = f"{copy}_i{n}"
            cursor.execute(f'CREATE {unique or ""}INDEX "{temporary}" ON {copy} {rest}')
            renames.append(("INDEX", temporary, name))
        cursor.execute(
            "SELECT stxname, pg_get_statisticsobjdef(oid) FROM pg_statistic_ext WHERE stxrelid = %s::regclass",
            [table],
        )
        for n, (name, definition) in enumerate(cursor.fetchall()):
            match = STATISTICS_DEFINITION.match(definition)
            if match is None:
                raise RuntimeError(f"Cannot rebuild the statistics {name}: {definition}")
            temporary = f"{copy}_s{n}"
            cursor.execute(f'CREATE STATISTICS "{temporary}" {match.group(2)} FROM {copy}')
            renames.append(("STATISTICS", temporary, name))
        # Constraints other than CHECK (copied with the columns): the primary key and unique ones,
        # then the foreign keys. A key's name is its index's, unique in the schema: it takes a
        # temporary one. A foreign key's name belongs to its table and can stay.
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype <> 'c' ORDER BY contype = 'f', conname",
            [table],
        )
        constraints = cursor.fetchall()
        for n, (name, kind, definition) in enumerate(constraints):
            if kind != "f":
                temporary = f"{copy}_c{n}"
                cursor.execute(f'ALTER TABLE {copy} ADD CONSTRAINT "{temporary}" {definition}')
                renames.append(("INDEX", temporary, name))
        cursor.execute(f"ANALYZE {copy}")
        # Last before the swap: adding a foreign key locks the table it refers to against writes
        # (SHARE ROW EXCLUSIVE) until the commit, here for the seconds of its check.
        foreign_keys = [name for name, kind, _definition in constraints if kind == "f"]
        for name, kind, definition in constraints:
            if kind == "f":
                cursor.execute(f'ALTER TABLE {copy} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        if foreign_keys:
            # Rows this transaction wrote to the table before (a test's) wait to be checked at the
            # commit, and a table with checks pending cannot be dropped: check them now. The copy's
            # keys of the same names are new constraints, deferred as declared.
            cursor.execute(
                "SET CONSTRAINTS " + ", ".join(f'"{name}"' for name in foreign_keys) + " IMMEDIATE"
            )
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(f"ALTER TABLE {copy} RENAME TO {table}")
        for kind, temporary, name in renames:
            # Renaming a key's index renames the key too.
            cursor.execute(f'ALTER {kind} "{temporary}" RENAME TO "{name}"')
