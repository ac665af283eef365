"""Alliance staff may add fair pages under the fairs index (new alliances get this when created)."""

from django.db import migrations


def grant(apps, schema_editor):
    Alliance = apps.get_model("catalog.Alliance")
    FairIndexPage = apps.get_model("fairs.FairIndexPage")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    add, _ = Permission.objects.get_or_create(content_type=page_type, codename="add_page", defaults={"name": "Can add page"})
    for index in FairIndexPage.objects.all():
        for alliance in Alliance.objects.exclude(staff_group=None):
            GroupPagePermission.objects.get_or_create(group_id=alliance.staff_group_id, page_id=index.pk, permission=add)


class Migration(migrations.Migration):
    dependencies = [
        ("fairs", "0002_fairs_index"),
        ("catalog", "0004_search"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
