"""PostgreSQL: statistics of the OCOP columns together, so that the planner sees that they go together.

A listing has stars, an issue date and an expiry date, or none of the three. Judging conditions on
them as independent, the planner expected 482 listings of a million to have three stars or more
and a valid certificate, where 80,096 had: it then read all of them to sort the first 200 of a
stars browse (0.55 s) instead of walking the stars index and stopping at 200 (1 ms), and counted a
category's starred listings through 61,475 table pages (245 ms; 12.5 ms once it knew). A
most-common-values list over the three columns (`mcv`) holds the "none of the three" combination
and gives the ranges' real share. ANALYZE (and autovacuum) fill it; the migration runs one.

SQLite needs none of this.
"""

from django.db import migrations

STATISTICS = "catalog_search_ocop_statistics"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) "
        "ON ocop_stars, ocop_issued_on, ocop_expires_on FROM catalog_searchdocument"
    )
    schema_editor.execute("ANALYZE catalog_searchdocument")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_search_at_scale")]
    operations = [migrations.RunPython(forward, backward)]
