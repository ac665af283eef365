"""The supply–demand board (/cung-cau/): open public RFQs without their buyers, beside the
cooperatives' standing offers; search, filters, pages, empty states, hostile input, queries."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import Category
from catalog.places import resolve_province
from marketplace.models import BuyerDemand
from marketplace.services.rfqs import rfq_cancel
from tests import factories
from tests.factories import rfqs
from tests.helpers import count_queries
from tests.marketplace.pages.helpers import identities, url

pytestmark = pytest.mark.django_db


def offer(cooperative=None, *, name: str, capacity: int | None = 3000, **fields):
    """A listed product of `cooperative` stating `capacity` units a month (None: no capacity)."""
    fields = {"category": "food-rice", "unit": "kg", "price_vnd": 28_000} | fields
    return factories.product(cooperative=cooperative, name=name, monthly_capacity=capacity, **fields)


def html_of(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status
    return response.content.decode()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_board_renders_in_both_languages(client, b2b, language):
    product = offer(b2b.rice, name="Gạo Bắc Hương", capacity=5000)
    html = html_of(client, url("board", language=language))
    assert f'<html lang="{language}">' in html
    assert url("rfq", b2b.rfq.pk, language=language) in html
    assert b2b.rfq.title in html
    assert product.title in html
    assert b2b.rice.title in html
    assert url("rfq_new", language=language) in html  # the call to action


def test_the_board_never_shows_who_asked(client, b2b):
    html = html_of(client, url("board"))
    for identity in identities(b2b.buyer):
        assert identity not in html


def test_only_open_public_rfqs_are_listed(client, b2b):
    invited = rfqs.rfq(b2b.buyer, title="Chè Thái Nguyên kín", visibility="invited", invite=[b2b.tea])
    cancelled = rfqs.rfq(b2b.buyer, title="Cà phê đã hủy")
    rfq_cancel(user=b2b.buyer, rfq=cancelled)
    past = rfqs.rfq(b2b.buyer, title="Mật ong quá hạn")
    BuyerDemand.objects.filter(pk=past.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    BuyerDemand.objects.create(buyer=b2b.buyer, kind="fair", title="Nhu cầu hội chợ", quantity=1, unit="kg")
    html = html_of(client, url("board"))
    assert b2b.rfq.title in html
    for hidden in ("Chè Thái Nguyên kín", "Cà phê đã hủy", "Mật ong quá hạn", "Nhu cầu hội chợ"):
        assert hidden not in html
    assert url("rfq", invited.pk) not in html


def test_a_standing_offer_shows_capacity_price_cooperative_and_province(client, b2b):
    offer(b2b.tea, name="Chè búp Tân Cương", capacity=1200, category="food-tea-coffee", price_vnd=350_000)
    offer(b2b.tea, name="Chè không công suất", capacity=None, category="food-tea-coffee")
    unverified = factories.cooperative(name="HTX Chưa xác minh", verified=False)
    offer(unverified, name="Gạo chưa niêm yết")
    html = html_of(client, url("board"))
    assert "Chè búp Tân Cương" in html
    assert "1.200 kg" in html
    assert "350.000" in html
    assert b2b.tea.title in html
    assert b2b.tea.province.name in html
    assert "Chè không công suất" not in html  # no monthly capacity stated
    assert "Gạo chưa niêm yết" not in html  # not listed


def test_category_filter_keeps_subcategories_of_a_group(client, b2b):
    honey = rfqs.rfq(b2b.buyer, title="Mật ong rừng", category=Category.objects.get(slug="food-honey"))
    textiles = rfqs.rfq(b2b.buyer, title="Vải thổ cẩm", category=Category.objects.get(slug="textiles"))
    offer(b2b.rice, name="Gạo nếp cái hoa vàng")
    offer(b2b.tea, name="Khăn lụa", category="textiles", unit="chiếc")
    html = html_of(client, url("board") + "?category=food")
    assert b2b.rfq.title in html
    assert honey.title in html
    assert textiles.title not in html
    assert "Gạo nếp cái hoa vàng" in html
    assert "Khăn lụa" not in html
    html = html_of(client, url("board") + "?category=textiles")
    assert textiles.title in html
    assert b2b.rfq.title not in html
    assert "Khăn lụa" in html
    assert "Gạo nếp cái hoa vàng" not in html


def test_province_filter_is_the_delivery_province_and_the_cooperatives(client, b2b):
    south = rfqs.rfq(b2b.buyer, title="Nước mắm Phú Quốc", delivery_province=resolve_province("79"))
    offer(b2b.rice, name="Gạo Hà Nội")  # rice is in Hà Nội (01)
    offer(b2b.tea, name="Chè Thái Nguyên", category="food-tea-coffee")  # tea in 19
    html = html_of(client, url("board") + "?province=01")
    assert b2b.rfq.title in html
    assert south.title not in html
    assert "Gạo Hà Nội" in html
    assert "Chè Thái Nguyên" not in html


def test_quantity_filter_keeps_rfqs_and_offers_of_at_least_that_many_units(client, b2b):
    small = rfqs.rfq(b2b.buyer, title="Gạo lứt ít", quantity=3)
    offer(b2b.rice, name="Gạo lứt nhỏ", capacity=5)
    offer(b2b.rice, name="Gạo tám lớn", capacity=50_000)
    html = html_of(client, url("board") + "?quantity=10")
    assert b2b.rfq.title in html  # 10 tấn
    assert small.title not in html
    assert "Gạo tám lớn" in html
    assert "Gạo lứt nhỏ" not in html


def test_text_search_finds_rfqs_by_words_and_offers_with_or_without_marks(
    client, b2b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the search index is written after commit
        other = rfqs.rfq(b2b.buyer, title="Mật ong bạc hà", details="Cho chuỗi siêu thị")
        offer(b2b.tea, name="Nước mắm cốt nhĩ", category="food-condiments", unit="lít")
        offer(b2b.rice, name="Gạo Bắc Hương")
    html = html_of(client, url("board") + "?q=mật+ong")
    assert other.title in html
    assert b2b.rfq.title not in html
    html = html_of(client, url("board") + "?q=siêu+thị")  # a word of the details
    assert other.title in html
    for typed in ("nước mắm", "nuoc mam"):
        html = html_of(client, url("board") + f"?q={typed}")
        assert "Nước mắm cốt nhĩ" in html
        assert "Gạo Bắc Hương" not in html


def test_rfqs_found_by_text_come_best_match_first_marks_optional_with_the_filters(
    client, b2b, django_capture_on_commit_callbacks
):
    coffee = Category.objects.get(slug="food-tea-coffee")
    with django_capture_on_commit_callbacks(execute=True):
        in_title = rfqs.rfq(
            b2b.buyer,
            title="Cà phê nhân Robusta",
            quantity=20,
            category=coffee,
            delivery_province=resolve_province("66"),
        )
        in_details = rfqs.rfq(b2b.buyer, title="Hạt tiêu đen", details="Kèm cà phê rang", quantity=5)
        private = rfqs.rfq(b2b.buyer, title="Cà phê chồn", visibility="invited")
    for typed in ("ca+phe", "cà+phê", "CA+PHE"):
        html = html_of(client, url("board") + f"?q={typed}")
        # The newer RFQ matches only in its details: the title's match comes first.
        assert in_title.title in html
        assert html.index(in_title.title) < html.index(in_details.title)
        assert private.title not in html
        assert b2b.rfq.title not in html
    for filters in ("category=food", "province=66", "quantity=10"):
        html = html_of(client, url("board") + f"?q=ca+phe&{filters}")
        assert in_title.title in html
        assert in_details.title not in html


def test_the_lists_have_pages_of_their_own(client, b2b):
    for n in range(12):
        rfqs.rfq(b2b.buyer, title=f"Yêu cầu số {n}")
    for n in range(13):
        offer(b2b.rice, name=f"Sản phẩm công suất {n}", capacity=1000 + n)
    first = html_of(client, url("board"))
    assert first.count('class="rfq-card"') == 12
    assert first.count('class="offer-card"') == 12
    assert "?page=2" in first
    assert "?offers_page=2" in first
    second = html_of(client, url("board") + "?page=2")
    assert second.count('class="rfq-card"') == 1
    assert second.count('class="offer-card"') == 12  # the offers stay on their first page
    both = html_of(client, url("board") + "?page=2&offers_page=2")
    assert both.count('class="offer-card"') == 1
    # Pages keep the filters.
    filtered = html_of(client, url("board") + "?category=food")
    assert "category=food&amp;offers_page=2" in filtered


@pytest.mark.parametrize("page", ["abc", "0", "-1", str(10**30), "1e9", "%00"])
def test_a_wrong_page_number_shows_a_page(client, b2b, page):
    html = html_of(client, url("board") + f"?page={page}&offers_page={page}")
    assert b2b.rfq.title in html


def test_empty_states_say_so_and_invite_to_post(client, db):
    html = html_of(client, url("board"))
    assert html.count("empty-state") == 2
    assert url("rfq_new") in html
    filtered = html_of(client, url("board") + "?q=không+có+gì")
    assert filtered.count("empty-state") == 2
    assert url("board") + '"' in filtered  # "clear filters"


@pytest.mark.parametrize(
    "query",
    [
        "q=g%00o",
        "q=" + "x" * 201,
        "q=%22g%E1%BA%A1o%22",  # search operators: "gạo" in double quotes
        "q=g%E1%BA%A1o+AND+ch%C3%A8",
        "quantity=-5",
        "quantity=0",
        "quantity=abc",
        f"quantity={10**30}",
        "quantity=" + "9" * 5000,
        "category=no-such-thing",
        "category=%00",
        "province=99",
        "province=<script>",
    ],
)
def test_hostile_filters_are_said_and_filter_nothing(client, b2b, query):
    response = client.get(url("board") + "?" + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "form-errors" in html
    assert b2b.rfq.title in html  # the invalid filter filtered nothing
    assert "<script>" not in html


def test_one_bad_filter_does_not_drop_the_good_ones(client, b2b):
    south = rfqs.rfq(b2b.buyer, title="Nước mắm Phú Quốc", delivery_province=resolve_province("79"))
    html = html_of(client, url("board") + "?province=01&quantity=abc", status=400)
    assert b2b.rfq.title in html
    assert south.title not in html


def test_the_board_costs_the_same_queries_for_2_or_12_items(client, b2b):
    def fill(n):
        for i in range(n):
            rfqs.rfq(
                b2b.buyer,
                title=f"Yêu cầu {i}",
                category=Category.objects.get(slug="food-fruit"),
                delivery_province=resolve_province("79"),
                required_certifications=["organic"],
            )
            offer(factories.cooperative(province="79"), name=f"Hàng {i}", ocop=factories.ocop(stars=4))

    fill(1)
    client.get(url("board"))  # first-request work (content types, the site's settings row) aside
    few = count_queries(client, url("board"))
    fill(10)
    many = count_queries(client, url("board"))
    assert many == few
    client.force_login(b2b.buyer)
    assert count_queries(client, url("board") + "?category=food&province=79&quantity=1") <= few + 4


def test_searching_the_board_costs_the_same_queries_for_2_or_12_rfqs(
    client, b2b, django_capture_on_commit_callbacks
):
    def fill(n):
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(n):
                rfqs.rfq(
                    b2b.buyer, title=f"Cà phê lô {i}", category=Category.objects.get(slug="food-tea-coffee")
                )

    searched = url("board") + "?q=ca+phe&category=food"
    fill(2)
    client.get(searched)
    few = count_queries(client, searched)
    fill(10)
    many = count_queries(client, searched)
    assert html_of(client, searched).count('class="rfq-card"') == 12
    assert many == few


def test_the_header_links_the_board_and_my_requests(client, b2b):
    html = html_of(client, url("board"))
    assert 'aria-current="page">' in html
    assert url("my_rfqs") not in html  # signed out
    client.force_login(b2b.buyer)
    html = html_of(client, url("orders"))
    assert url("board") in html
    assert url("my_rfqs") in html
