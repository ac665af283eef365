# Adds SearchEntry.url: where the public sees an entry (a cooperative's page), so a search shows it
# without loading the page. Written as plain ALTER TABLE: Django's AddField rebuilds the table on
# SQLite (a NOT NULL column), which would drop the FTS5 triggers of migration 0007.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0007_search_entries"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE catalog_searchentry ADD COLUMN url varchar(500) NOT NULL DEFAULT ''",
                    "ALTER TABLE catalog_searchentry DROP COLUMN url",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="searchentry",
                    name="url",
                    field=models.CharField(blank=True, max_length=500),
                ),
            ],
        ),
    ]
