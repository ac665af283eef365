"""A demand's fair registration moves from its own column to FairDemand, before the demand moves to
marketplace (marketplace 0003, fairs 0007): marketplace must not point at fairs."""

import django.db.models.deletion
from django.db import migrations, models


def links_to_table(apps, schema_editor):
    BuyerDemand = apps.get_model("fairs", "BuyerDemand")
    FairDemand = apps.get_model("fairs", "FairDemand")
    rows = BuyerDemand.objects.filter(participant__isnull=False).values_list("pk", "participant_id")
    FairDemand.objects.bulk_create(FairDemand(demand_id=pk, participant_id=p) for pk, p in rows.iterator())


def links_to_column(apps, schema_editor):
    BuyerDemand = apps.get_model("fairs", "BuyerDemand")
    FairDemand = apps.get_model("fairs", "FairDemand")
    for demand_id, participant_id in FairDemand.objects.values_list("demand_id", "participant_id").iterator():
        BuyerDemand.objects.filter(pk=demand_id).update(participant_id=participant_id)


class Migration(migrations.Migration):
    dependencies = [
        ("fairs", "0005_meeting_cancelled"),
    ]

    operations = [
        migrations.CreateModel(
            name="FairDemand",
            fields=[
                (
                    "demand",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="fair_entry",
                        serialize=False,
                        to="fairs.buyerdemand",
                    ),
                ),
                (
                    "participant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fair_demands",
                        to="fairs.participant",
                    ),
                ),
            ],
            options={"verbose_name": "demand at a fair", "verbose_name_plural": "demands at fairs"},
        ),
        migrations.RunPython(links_to_table, links_to_column, elidable=False),
        migrations.RemoveField(model_name="buyerdemand", name="participant"),
    ]
