"""The fairs index under the home page, which every fair page is created under."""

import uuid

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's path alphabet, 4 characters per level


def _next_step(last: str) -> str:
    number = 0
    for character in last:
        number = number * len(ALPHABET) + ALPHABET.index(character)
    number += 1
    step = ""
    for _ in range(4):
        number, digit = divmod(number, len(ALPHABET))
        step = ALPHABET[digit] + step
    return step


def build(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("cms.HomePage")
    FairIndexPage = apps.get_model("fairs.FairIndexPage")
    home = HomePage.objects.order_by("path").first()
    if home is None or FairIndexPage.objects.exists():
        return
    last = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).order_by("-path").first()
    step = _next_step(last.path[-4:]) if last else "0001"
    content_type, _ = ContentType.objects.get_or_create(app_label="fairs", model="fairindexpage")
    FairIndexPage.objects.create(
        title="Hội chợ và kết nối cung cầu",
        draft_title="Hội chợ và kết nối cung cầu",
        slug="hoi-cho",
        content_type=content_type,
        path=home.path + step,
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}hoi-cho/",
        locale_id=home.locale_id,
        translation_key=uuid.uuid4(),
        live=True,
        intro="Hội chợ, triển lãm và hội nghị kết nối cung cầu do các liên minh hợp tác xã tổ chức.",
        intro_en="Trade fairs, exhibitions and supply–demand connection conferences run by the cooperative alliances.",
    )
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("fairs", "0001_initial"),
        ("cms", "0002_site_structure"),
    ]
    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
