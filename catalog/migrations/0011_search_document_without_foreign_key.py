"""The search documents' link to their product pages loses its foreign key in PostgreSQL.

A rebuild puts a fresh copy of the table in place of the old one (catalog.search.tables). Dropping
the old table dropped its foreign key's triggers on catalog_productpage, which takes ACCESS EXCLUSIVE
on that table: it waited for every transaction that had read a product page, and one of them,
deleting a page (it reads the page, then deletes the page's document, which waits for the rebuild),
deadlocked with it. Without the key the swap locks the search tables alone. Django's cascade still
deletes a page's document with the page.

SQLite keeps its key: it rebuilds in place, and remaking the table to drop the key would drop the
triggers that keep its full-text index in step.
"""

from django.db import migrations, models


def drop_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'catalog_searchdocument'::regclass AND contype = 'f'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE catalog_searchdocument DROP CONSTRAINT "{name}"')


def add_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE catalog_searchdocument ADD CONSTRAINT catalog_searchdocume_product_id_7ce36d02_fk_catalog_p "
            "FOREIGN KEY (product_id) REFERENCES catalog_productpage (page_ptr_id) DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_search_stars_statistics")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchdocument",
                    name="product",
                    field=models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="catalog.productpage",
                    ),
                )
            ],
            database_operations=[migrations.RunPython(drop_foreign_key, add_foreign_key)],
        )
    ]
