"""The fairs index, a fair's page with its virtual booths, and the home page's upcoming fairs."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from fairs.models import FairIndexPage, Participant
from tests import factories
from tests.factories import fairs as fair_factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def image(title: str):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), "green").save(buffer, "PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))


@pytest.fixture
def organiser():
    return factories.user(email="lienminh@example.org")


@pytest.fixture
def lead(organiser):
    return factories.alliance(name="Liên minh HTX Hà Nội", provinces=("01",), staff=[organiser])


@pytest.fixture
def fair(lead):
    co = factories.alliance(name="Liên minh HTX Hưng Yên", provinces=("31",))
    return fair_factories.fair(
        lead=lead,
        co_organisers=[co],
        title="Kết nối cung cầu nông sản 2029",
        name_en="Farm produce connection conference 2029",
        intro="<p>Giới thiệu bằng tiếng Việt</p>",
        intro_en="<p>The English introduction</p>",
        programme="<p>Chương trình buổi sáng</p>",
    )


def showcasing(fair, organiser, *, products: int, approve: bool = True, name_en: str = "", name=None):
    """An approved (or pending) cooperative showcasing `products` published products."""
    staff = factories.user()
    cooperative = factories.cooperative(name=name, province="01", staff=[staff])
    made = [
        factories.product(
            cooperative=cooperative,
            name=f"Gạo ST25 {cooperative.title} lô {i}",
            name_en=name_en,
            ocop=factories.ocop(stars=4),
            main_image_id=image(f"anh-{cooperative.pk}-{i}").pk,
        )
        for i in range(products)
    ]
    from fairs import services

    participant = services.participant_register_cooperative(
        fair=fair,
        user=staff,
        cooperative=cooperative,
        data=services.RegistrationData(showcased_products=made),
    )
    if approve:
        services.participant_decide(participant=participant, user=organiser, approve=True)
    return participant, made


def test_the_index_lists_upcoming_fairs_before_past_ones(client, lead):
    today = timezone.localdate()
    past = fair_factories.fair(
        lead=lead,
        title="Hội chợ năm ngoái",
        slug="nam-ngoai",
        starts_on=today - datetime.timedelta(days=30),
        registration_opens_on=today - datetime.timedelta(days=60),
        registration_closes_on=today - datetime.timedelta(days=31),
        status="closed",
    )
    upcoming = fair_factories.fair(lead=lead, title="Hội chợ sắp tới", slug="sap-toi")

    html = client.get(FairIndexPage.objects.get().url).content.decode()

    assert html.index(upcoming.title) < html.index(past.title)
    assert "Liên minh HTX Hà Nội" in html
    assert upcoming.venue in html


def test_the_index_says_so_when_no_fair_is_announced(client):
    response = client.get(FairIndexPage.objects.get().url)

    assert response.status_code == 200
    assert 'class="empty-state"' in response.content.decode()
    assert 'class="fair-card"' not in response.content.decode()


def test_the_fair_page_shows_organisers_provinces_sessions_and_approved_booths(client, fair, organiser):
    approved, products = showcasing(fair, organiser, products=2, name="HTX Nông sản Sạch")
    pending, hidden = showcasing(fair, organiser, products=1, approve=False, name="HTX Chờ Duyệt")

    html = client.get(fair.url).content.decode()

    assert "Liên minh HTX Hà Nội" in html
    assert "Liên minh HTX Hưng Yên" in html
    assert "Hà Nội" in html
    assert "Hưng Yên" in html
    assert "Gặp gỡ B2B buổi sáng" in html
    assert "08:30" in html
    assert approved.name in html
    assert products[0].title in html
    assert products[0].url in html
    assert 'class="ocop-badge' in html
    assert pending.name not in html
    assert hidden[0].title not in html
    assert "Chương trình buổi sáng" in html
    assert reverse("fairs:register_buyer", args=[fair.pk]) in html


def test_the_fair_page_offers_no_registration_once_it_has_closed(client, lead):
    today = timezone.localdate()
    closed = fair_factories.fair(
        lead=lead,
        registration_opens_on=today - datetime.timedelta(days=9),
        registration_closes_on=today - datetime.timedelta(days=1),
    )

    html = client.get(closed.url).content.decode()

    assert reverse("fairs:register_buyer", args=[closed.pk]) not in html


def test_a_registered_user_sees_a_link_to_the_participation_page(client, fair):
    buyer = fair_factories.buyer_participant(fair)
    mine = reverse("fairs:mine", args=[fair.pk])

    assert mine not in client.get(fair.url).content.decode()
    client.force_login(buyer.user)
    assert mine in client.get(fair.url).content.decode()


def test_what_every_visitor_sees_is_kept_and_the_visitors_own_part_is_not(
    client, fair, organiser, settings, tmp_path
):
    settings.FRAGMENT_CACHE_SECONDS = 300
    settings.PAGE_CACHE_STAMP_FILE = tmp_path / "page-cache-stamp"
    cache.clear()
    showcasing(fair, organiser, products=2, name="HTX Gạo Sóc Trăng")
    assert "HTX Gạo Sóc Trăng" in client.get(fair.url).content.decode()
    # Bypassing every write path (never done by the site): the booths still show what was drawn,
    # with none of their queries; the organisers, provinces and sessions are not read either.
    Participant.objects.filter(fair=fair).update(name="Đổi ngầm")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(fair.url).content.decode()
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "HTX Gạo Sóc Trăng" in page
    for table in ("fairs_participant", "catalog_alliance", "fairs_fairsession", "catalog_province"):
        assert table not in sql

    # Each visitor's own part is still theirs.
    buyer = fair_factories.buyer_participant(fair)
    client.force_login(buyer.user)
    page = client.get(fair.url).content.decode()
    assert reverse("fairs:mine", args=[fair.pk]) in page
    assert "HTX Gạo Sóc Trăng" in page
    assert reverse("fairs:mine", args=[fair.pk]) not in Client().get(fair.url).content.decode()


def test_organisers_see_a_link_to_organise_the_fair(client, fair, organiser):
    organise = reverse("fairs:organise", args=[fair.pk])
    client.force_login(factories.user())
    assert organise not in client.get(fair.url).content.decode()

    client.force_login(organiser)
    assert organise in client.get(fair.url).content.decode()


def test_the_english_page_shows_the_english_names_and_texts(client, fair, organiser):
    showcasing(fair, organiser, products=1, name_en="ST25 rice")

    english = client.get("/en" + fair.url).content.decode()
    vietnamese = client.get(fair.url).content.decode()

    assert "Farm produce connection conference 2029" in english
    assert "The English introduction" in english
    assert "Giới thiệu bằng tiếng Việt" not in english
    assert "ST25 rice" in english
    assert "/en/hoi-cho-tham-gia/" in english
    assert "Kết nối cung cầu nông sản 2029" in vietnamese
    assert "Giới thiệu bằng tiếng Việt" in vietnamese


def test_the_fair_page_query_count_does_not_grow_with_booths_and_products(client, fair, organiser):
    showcasing(fair, organiser, products=1)
    showcasing(fair, organiser, products=1)
    client.get(fair.url)  # renditions made once
    with_two = count_queries(client, fair.url)

    for _ in range(4):
        showcasing(fair, organiser, products=3)
    client.get(fair.url)
    with_fourteen = count_queries(client, fair.url)

    assert client.get(fair.url).content.decode().count('class="card product-card"') == 14
    assert with_fourteen == with_two


def test_the_fair_page_query_count_is_flat_for_a_registered_organiser_too(client, fair, organiser):
    client.force_login(organiser)
    showcasing(fair, organiser, products=1)
    client.get(fair.url)
    with_one = count_queries(client, fair.url)

    for _ in range(3):
        showcasing(fair, organiser, products=2)
    client.get(fair.url)

    assert count_queries(client, fair.url) == with_one


def test_the_home_page_lists_upcoming_fairs(client, fair):
    html = client.get("/").content.decode()

    assert fair.title in html
    assert fair.url in html


def test_the_booths_come_a_page_at_a_time(client, fair, organiser, monkeypatch):
    from fairs.selectors import public

    monkeypatch.setattr(public, "BOOTHS_PER_PAGE", 2)
    names = sorted(
        showcasing(fair, organiser, products=1, name=f"HTX Gian hàng {n}")[0].name for n in range(3)
    )

    first = client.get(fair.url).content.decode()
    second = client.get(fair.url + "?page=2").content.decode()

    assert [name in first for name in names] == [True, True, False]
    assert [name in second for name in names] == [False, False, True]
    assert "(3)" in first  # how many take part, on every page
    assert 'rel="next"' in first
    assert 'rel="prev"' in second
    # A page past the last, or not a number, shows a page of booths, never an error.
    assert names[2] in client.get(fair.url + "?page=99").content.decode()
    assert names[0] in client.get(fair.url + "?page=abc").content.decode()
