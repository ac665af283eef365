"""Build the page tree every installation needs: home, catalogue and news, in Vietnamese,
the English locale, and the listing-review workflow routed to the alliances."""

import uuid

from django.db import migrations


def build(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    HomePage = apps.get_model("cms.HomePage")
    NewsIndexPage = apps.get_model("cms.NewsIndexPage")
    CatalogueIndexPage = apps.get_model("catalog.CatalogueIndexPage")
    AllianceReviewTask = apps.get_model("catalog.AllianceReviewTask")

    vi, _ = Locale.objects.get_or_create(language_code="vi")
    Locale.objects.get_or_create(language_code="en")

    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", content_type__model="page").delete()

    def content_type(model):
        return ContentType.objects.get_or_create(app_label=model._meta.app_label, model=model._meta.model_name)[0]

    home = HomePage.objects.create(
        title="Sàn Hợp tác xã Việt Nam",
        draft_title="Sàn Hợp tác xã Việt Nam",
        slug="home",
        content_type=content_type(HomePage),
        path="00010001",
        depth=2,
        numchild=2,
        url_path="/home/",
        locale=vi,
        translation_key=uuid.uuid4(),
        live=True,
        tagline="Sản phẩm OCOP và đặc sản của hợp tác xã trên khắp 34 tỉnh, thành",
        tagline_en="OCOP products and specialities from cooperatives in all 34 provinces",
    )
    CatalogueIndexPage.objects.create(
        title="Sản phẩm",
        draft_title="Sản phẩm",
        slug="san-pham",
        content_type=content_type(CatalogueIndexPage),
        path="000100010001",
        depth=3,
        numchild=0,
        url_path="/home/san-pham/",
        locale=vi,
        translation_key=uuid.uuid4(),
        live=True,
        intro="Sản phẩm của các hợp tác xã thành viên, theo nhóm OCOP và theo tỉnh.",
        intro_en="Products of member cooperatives, by OCOP group and by province.",
    )
    NewsIndexPage.objects.create(
        title="Tin tức và thị trường",
        draft_title="Tin tức và thị trường",
        slug="tin-tuc",
        content_type=content_type(NewsIndexPage),
        path="000100010002",
        depth=3,
        numchild=0,
        url_path="/home/tin-tuc/",
        locale=vi,
        translation_key=uuid.uuid4(),
        live=True,
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True, site_name="Sàn HTX")

    task = AllianceReviewTask.objects.create(
        name="Duyệt bởi liên minh HTX tỉnh", content_type=content_type(AllianceReviewTask), active=True
    )
    workflow = Workflow.objects.create(name="Duyệt tin đăng", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    catalogue = Page.objects.get(path="000100010001")
    WorkflowPage.objects.create(workflow=workflow, page=catalogue)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("catalog", "0002_load_places_and_categories"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
