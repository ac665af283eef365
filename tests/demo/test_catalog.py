"""The demo catalogue: every province and OCOP group, the accounts, the scale catalogue; a second run adds nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Revision

from catalog.models import (
    Alliance,
    Category,
    CooperativePage,
    OcopCertificate,
    ProductPage,
    Province,
)
from catalog.models.pages import TAX_CODE_RE
from catalog.places import resolve_province, resolve_ward
from catalog.selectors import public_products
from cms.models import ArticlePage, NewsIndexPage
from demo.accounts import DEMO_PASSWORD
from demo.build import build_demo
from demo.data.accounts import ACCOUNTS
from demo.data.cooperatives import COOPERATIVES, NATIONAL_ALLIANCE
from demo.data.products import TEMPLATES

pytestmark = pytest.mark.django_db

SIX_GROUPS = {"food", "beverages", "herbal", "textiles", "handicrafts", "tourism"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "alliances": Alliance.objects.count(),
        "cooperatives": CooperativePage.objects.count(),
        "products": ProductPage.objects.count(),
        "certificates": OcopCertificate.objects.count(),
        "images": get_image_model().objects.count(),
        "articles": ArticlePage.objects.count(),
        "revisions": Revision.objects.count(),
    }


def test_demo_specs_name_real_wards_and_former_provinces_of_their_province():
    for code, specs in COOPERATIVES.items():
        province = Province.objects.get(code=code)
        for spec in specs:
            assert resolve_ward(spec.ward, province=province).province_id == code, spec.name
            if spec.former_province:
                assert resolve_province(spec.former_province).code == code, spec.name
    assert set(COOPERATIVES) == set(Province.objects.values_list("code", flat=True))
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert {t.category for t in TEMPLATES.values()} <= slugs


def test_small_demo_covers_every_province_and_group_and_is_idempotent():
    first = build_demo(cooperatives_per_province=1, products_per_cooperative=2, fairs=False)
    after_first = _counts()

    # Cooperatives: one per province here, live, verified, seated in a ward of their province.
    cooperatives = list(CooperativePage.objects.select_related("ward", "collection"))
    assert len(cooperatives) == 34
    assert {c.province_id for c in cooperatives} == set(Province.objects.values_list("code", flat=True))
    for cooperative in cooperatives:
        assert cooperative.live
        assert cooperative.is_verified
        assert cooperative.ward.province_id == cooperative.province_id
        assert TAX_CODE_RE.match(cooperative.tax_code)
        assert cooperative.tax_code.startswith(cooperative.province_id)
        assert cooperative.collection is not None

    # Alliances: the national VCA plus one per province, covering exactly that province.
    national = Alliance.objects.get(name=NATIONAL_ALLIANCE)
    assert (national.kind, national.short_name) == (Alliance.Kind.NATIONAL, "VCA")
    provincial = Alliance.objects.filter(kind=Alliance.Kind.PROVINCIAL).prefetch_related("provinces")
    assert len(provincial) == 34
    for alliance in provincial:
        (province,) = alliance.provinces.all()
        assert alliance.name.endswith(province.name)
        assert alliance.name.startswith(("Liên minh Hợp tác xã tỉnh ", "Liên minh Hợp tác xã thành phố "))

    # Products: published in all six OCOP groups, with Vietnamese and English names and a picture.
    published = list(public_products())
    assert {p.category.group.slug for p in published} == SIX_GROUPS
    for product in published:
        assert product.name_en
        assert product.price_vnd > 0
        assert product.main_image.collection_id == product.cooperative.collection_id

    # OCOP: valid 3–5 stars with real-looking decisions; some expired, some expiring.
    statuses = {c.status for c in OcopCertificate.objects.all()}
    assert {"valid", "expiring", "expired"} <= statuses
    for certificate in OcopCertificate.objects.all():
        assert 3 <= certificate.stars <= 5
        assert re.match(r"^\d+/QĐ-", certificate.decision_number)
    expired = OcopCertificate.objects.filter(expires_on__lt=timezone.localdate()).select_related("product")
    assert expired
    assert all(c.product.ocop_stars is None for c in expired)

    # Accounts: one password, the right groups.
    User = get_user_model()
    users = {u.email: u for u in User.objects.filter(email__in=[a.email for a in ACCOUNTS])}
    assert len(users) == 5
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert users["admin@demo.coop.vn"].is_superuser
    assert not users["buyer@demo.coop.vn"].groups.exists()
    htx1_cooperative = CooperativePage.objects.get(staff_group__user=users["htx1@demo.coop.vn"])
    htx2_cooperative = CooperativePage.objects.get(staff_group__user=users["htx2@demo.coop.vn"])
    assert htx1_cooperative.province_id == "01"
    assert htx2_cooperative.province_id != "01"
    lienminh_alliance = Alliance.objects.get(staff_group__user=users["lienminh@demo.coop.vn"])
    assert list(lienminh_alliance.provinces.values_list("code", flat=True)) == ["01"]

    # The review flow has something to show: a draft and a listing in review for htx1@.
    listings = ProductPage.objects.filter(
        path__startswith=htx1_cooperative.path, depth=htx1_cooperative.depth + 1
    )
    assert {"draft", "in_review", "published"} <= {p.status for p in listings}

    # Articles under the news index.
    news = NewsIndexPage.objects.get()
    assert ArticlePage.objects.live().child_of(news).count() == 5

    assert first.created["cooperatives"] == 34
    assert first.created["alliances"] == 35

    second = build_demo(cooperatives_per_province=1, products_per_cooperative=2, fairs=False)

    assert second.created == {}
    assert _counts() == after_first


SMALL_SCALE_CATALOGUE = (
    "load_demo_data",
    "--products",
    "120",
    "--cooperatives-per-province",
    "1",
    "--products-per-cooperative",
    "1",
    "--no-images",
    "--no-fairs",
)


def test_scale_catalogue_adds_n_products_once(capsys):
    call_command(*SMALL_SCALE_CATALOGUE)
    products = ProductPage.objects.count()
    curated = ProductPage.objects.exclude(sku__startswith="SC-").count()
    assert products == curated + 120
    assert (
        ProductPage.objects.filter(sku__startswith="SC-", live=True, cooperative__isnull=False).count() == 120
    )
    assert OcopCertificate.objects.filter(product__sku__startswith="SC-").count() == 12

    call_command(*SMALL_SCALE_CATALOGUE)

    assert ProductPage.objects.count() == products
    assert OcopCertificate.objects.filter(product__sku__startswith="SC-").count() == 12
    output = capsys.readouterr().out
    assert "buyer@demo.coop.vn" in output
    assert "120 scale products created" in output
    assert "120 scale products updated" not in output
