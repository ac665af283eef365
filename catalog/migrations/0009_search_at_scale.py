"""PostgreSQL: a narrow document table, and the indexes of the counting sample.

- **Narrow rows.** A search that matches many listings reads each of them from the table
  (PostgreSQL's GIN index gives row addresses, not values). With descriptions, bodies and
  vectors inline, a row took most of 3 kB, three to a page, and a million listings 2.9 GB:
  far more than the shared buffers. Toasting every long value out of line (`toast_tuple_target`
  128) leaves a row of the columns that filter, count, sort and suggest. Long values are
  compressed with lz4 where the server has it, which reads back faster than pglz.
- **Matching on words kept in the row.** The weighted vector (positions, marked words) then
  lives in TOAST, and the planner, which does not know that, would check it row by row for a
  common word (walking the price index, say), reading each one back: 10–40 µs a row. So
  listings are matched on `match_vector`, their folded words each once, without positions
  (`strip`), kept in the row (`STORAGE MAIN`) with its own GIN index; the weighted vector
  ranks candidates only, and its own GIN index goes. The names stay in the row too:
  autocomplete and the ranking read them for every candidate.
- Rows already written keep their old layout until the next `rebuild_search_index`.
- **The counting sample** (catalog.search.database.SAMPLE, one listing in 64 by a hash of its
  id): past SEARCH_EXACT_COUNT_LIMIT matches the facets are counted in it. These two partial
  indexes hold only its rows, so counting a broad match reads one row in 64. The predicate
  must stay exactly the expression the engine writes, or the planner will not use them.
- **Ordered reads.** Stars first (valid ones, checked at query time), newest, by price:
  indexes in the order a browse or a sorted search reads, so that it reads a page, not the
  catalogue (catalog.search.database.PostgresText.candidates).
- **Autocomplete** asks for the shortest names that begin as typed, then for the shortest
  others that hold the words. An index on the names' length gives them in that order, so a
  prefix that a hundred thousand names share reads a few hundred rows; one on the folded name
  finds a rare prefix directly.

SQLite needs none of this: its covering indexes already hold the narrow columns and the id.
"""

from django.db import migrations

SAMPLE = "((product_id * 2654435761) % 4294967296) / 67108864 = 0"
FACET_COLUMNS = (
    "category_group, category, province_code, ocop_stars, ocop_issued_on, ocop_expires_on, "
    "price_vnd, cooperative_kind, in_stock"
)
LONG_COLUMNS = ("url", "name_en", "name_marked", "description", "body_folded", "body_marked", "search_vector")
FORWARD = [
    "ALTER TABLE catalog_searchdocument SET (toast_tuple_target = 128)",
    # The folded words, each once, in the row: what a listing is matched on. Added with its storage
    # in one statement, so that the table is rewritten once, with the words in the row.
    "ALTER TABLE catalog_searchdocument ADD COLUMN match_vector tsvector GENERATED ALWAYS AS ("
    "strip(to_tsvector('simple'::regconfig, name_folded || ' ' || body_folded))) STORED, "
    "ALTER COLUMN match_vector SET STORAGE MAIN, "
    "ALTER COLUMN name SET STORAGE MAIN, ALTER COLUMN name_folded SET STORAGE MAIN, "
    "ALTER COLUMN name_vector SET STORAGE MAIN",
    "CREATE INDEX catalog_search_match ON catalog_searchdocument USING gin (match_vector)",
    # The weighted vector now only ranks candidates, one row at a time.
    "DROP INDEX IF EXISTS catalog_searchdocument_vector",
    f"CREATE INDEX catalog_search_sample_match ON catalog_searchdocument USING gin (match_vector) WHERE {SAMPLE}",
    f"CREATE INDEX catalog_search_sample_facets ON catalog_searchdocument ({FACET_COLUMNS}) WHERE {SAMPLE}",
    "CREATE INDEX catalog_search_starred ON catalog_searchdocument "
    "(ocop_stars DESC, published_at DESC, product_id DESC) WHERE ocop_stars IS NOT NULL",
    "CREATE INDEX catalog_search_newest ON catalog_searchdocument (published_at DESC, product_id DESC)",
    "CREATE INDEX catalog_search_name_length ON catalog_searchdocument (LENGTH(name), product_id DESC)",
    "CREATE INDEX catalog_search_name_prefix ON catalog_searchdocument (name_folded text_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_search_name_prefix",
    "DROP INDEX IF EXISTS catalog_search_name_length",
    "DROP INDEX IF EXISTS catalog_search_newest",
    "DROP INDEX IF EXISTS catalog_search_starred",
    "DROP INDEX IF EXISTS catalog_search_sample_facets",
    "DROP INDEX IF EXISTS catalog_search_sample_match",
    "CREATE INDEX IF NOT EXISTS catalog_searchdocument_vector ON catalog_searchdocument USING gin (search_vector)",
    "DROP INDEX IF EXISTS catalog_search_match",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS match_vector, "
    "ALTER COLUMN name SET STORAGE EXTENDED, ALTER COLUMN name_folded SET STORAGE EXTENDED, "
    "ALTER COLUMN name_vector SET STORAGE EXTENDED",
    "ALTER TABLE catalog_searchdocument RESET (toast_tuple_target)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        # Without parameters, so that % is the modulo operator, not a placeholder.
        schema_editor.execute(statement, params=None)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    if row and row[0]:
        schema_editor.execute(
            "ALTER TABLE catalog_searchdocument "
            + ", ".join(f"ALTER COLUMN {column} SET COMPRESSION lz4" for column in LONG_COLUMNS)
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_search_entry_url")]
    operations = [migrations.RunPython(forward, backward)]
