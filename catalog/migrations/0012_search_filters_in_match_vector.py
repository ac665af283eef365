"""PostgreSQL: a listing's category, category group and province are words of its `match_vector`.

A search for a common word within a province or a category read every listing of the word from
the GIN index into a bitmap, then the province's or category's from theirs, and kept what both
held. At a million listings "trà" (with "chè" and "tea", 277,024 listings) in one province took
45 ms to build the word's bitmap, for 4,903 listings in the province. With the province a word of
the listing ('@p51'), the GIN index answers "trà and @p51" itself, stepping through the province's
30,000 listings and skipping ahead in the word's: 4.5 ms (catalog.search.database, `_where`).

The lexemes are '@p' + province code, and '@c' + the category's slug and '@c' + its group's, so
that one lexeme is the category filter (a category or its group). The text parser never makes a
word that begins with '@', so no searched word can match them.

A generated column's expression cannot be changed in place before PostgreSQL 17: the column and
its two GIN indexes are made again, which rewrites the table (about a minute a million listings).

SQLite is unchanged.
"""

from django.db import migrations

WORDS = "strip(to_tsvector('simple'::regconfig, name_folded || ' ' || body_folded))"
FILTERS = "array_to_tsvector(ARRAY['@p' || province_code, '@c' || category, '@c' || category_group])"
SAMPLE = "((product_id * 2654435761) % 4294967296) / 67108864 = 0"  # as in migration 0009


def _remake(schema_editor, expression: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    statements = [
        # Dropping the column drops its two indexes.
        "ALTER TABLE catalog_searchdocument DROP COLUMN match_vector, "
        f"ADD COLUMN match_vector tsvector GENERATED ALWAYS AS ({expression}) STORED, "
        "ALTER COLUMN match_vector SET STORAGE MAIN",
        "CREATE INDEX catalog_search_match ON catalog_searchdocument USING gin (match_vector)",
        f"CREATE INDEX catalog_search_sample_match ON catalog_searchdocument USING gin (match_vector) WHERE {SAMPLE}",
        "ANALYZE catalog_searchdocument",
    ]
    for statement in statements:
        # Without parameters, so that % is the modulo operator, not a placeholder.
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _remake(schema_editor, f"{WORDS} || {FILTERS}")


def backward(apps, schema_editor):
    _remake(schema_editor, WORDS)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0011_search_document_without_foreign_key")]
    operations = [migrations.RunPython(forward, backward)]
