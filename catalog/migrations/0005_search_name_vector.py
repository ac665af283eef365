"""PostgreSQL: a names-only tsvector with its own GIN index, for autocomplete.

Suggestions match the words of product names only. Filtering the full weighted vector by
weight (`'nuoc':*A`) made PostgreSQL recheck every candidate's whole vector, descriptions
included (200 ms at 100,000 listings); the small names vector answers from its index.
SQLite already has a names column in its FTS5 table; nothing changes there.
"""

from django.db import migrations

FORWARD = [
    """
    ALTER TABLE catalog_searchdocument ADD COLUMN name_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, name_folded)
    ) STORED
    """,
    "CREATE INDEX catalog_searchdocument_name_vector ON catalog_searchdocument USING gin (name_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_searchdocument_name_vector",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS name_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_search")]
    operations = [migrations.RunPython(forward, backward)]
