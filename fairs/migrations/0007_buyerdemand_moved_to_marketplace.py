"""fairs.BuyerDemand is now marketplace.BuyerDemand (same table): state only, foreign keys re-pointed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("fairs", "0006_fair_demand"),
        ("marketplace", "0003_buyerdemand_moved_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="matchscore",
                    name="demand",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="match_scores",
                        to="marketplace.buyerdemand",
                    ),
                ),
                migrations.AlterField(
                    model_name="meetingrequest",
                    name="demand",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="meeting_requests",
                        to="marketplace.buyerdemand",
                    ),
                ),
                migrations.AlterField(
                    model_name="meeting",
                    name="demand",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="meetings",
                        to="marketplace.buyerdemand",
                    ),
                ),
                migrations.AlterField(
                    model_name="fairdemand",
                    name="demand",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="fair_entry",
                        serialize=False,
                        to="marketplace.buyerdemand",
                    ),
                ),
                migrations.DeleteModel(name="BuyerDemand"),
            ],
        ),
        migrations.AddField(
            model_name="participant",
            name="demands",
            field=models.ManyToManyField(
                blank=True,
                related_name="fair_participants",
                through="fairs.FairDemand",
                to="marketplace.buyerdemand",
            ),
        ),
    ]
