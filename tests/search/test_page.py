"""The search page (/tim-kiem/, /en/tim-kiem/) and the search box in the header of every page."""

import re

import pytest
from django.db import transaction

from catalog import search
from catalog.search import database
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

PAGE = "/tim-kiem/"
PAGE_EN = "/en/tim-kiem/"
RICE_CAKES = 21


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """Two fish sauces in An Giang and 21 rice cakes in Hà Nội, indexed once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        phu_quoc = factories.cooperative(name="HTX Nước mắm Phú Quốc", province="91")
        lang_vong = factories.cooperative(name="HTX Cốm Làng Vòng", province="01")
        factories.product(
            cooperative=phu_quoc,
            name="Nước mắm Phú Quốc",
            name_en="Phu Quoc fish sauce",
            category="food-condiments",
            price_vnd=180_000,
            ocop=factories.ocop(stars=4),
            description="<p>Ủ chượp cá cơm trong thùng gỗ 12 tháng.</p>",
        )
        factories.product(
            cooperative=phu_quoc,
            name="Nước mắm cốt nhĩ <đặc biệt>",
            category="food-condiments",
            price_vnd=250_000,
            ocop=factories.ocop(stars=3),
        )
        for n in range(RICE_CAKES):
            factories.product(
                cooperative=lang_vong,
                name=f"Bánh cốm số {n + 1}",
                name_en=f"Green rice cake no. {n + 1}",
                category="food",
                price_vnd=30_000 + n,
            )
        search.rebuild()
        yield
        transaction.set_rollback(True)


def html(client, url, status=200, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == status
    return response.content.decode()


def test_results_show_the_count_highlights_and_facets(client, catalogue):
    page = html(client, PAGE, q="nuoc mam")

    assert "2 sản phẩm" in page
    assert "<mark>Nước</mark> <mark>mắm</mark> Phú Quốc" in page
    # The name is escaped around the marks, never read as HTML.
    assert "&lt;đặc biệt&gt;" in page
    assert "<mark>chượp</mark>" not in page
    assert 'aria-labelledby="facet-province-heading"' in page
    assert "An Giang <span" in page
    assert "Gia vị" in page  # the category facet's label, in Vietnamese
    assert "4★ trở lên" in page


def test_past_the_counting_limit_the_page_shows_at_least_and_estimates(
    client, catalogue, settings, monkeypatch
):
    settings.SEARCH_EXACT_COUNT_LIMIT = 10
    # A sample of every other listing, so that this small catalogue has estimates to show.
    monkeypatch.setattr(database, "SAMPLE", "d.product_id %% 2 = 0")
    monkeypatch.setattr(database, "SAMPLE_BUCKETS", 2)

    page = html(client, PAGE_EN)
    assert "10+ products found" in page
    assert re.search(r'title="Estimated count">\(≈ \d+\)', page)
    assert not re.search(r'class="chip__count">\(\d+\)', page)

    # Below the limit every number is exact, and none is marked.
    page = html(client, PAGE_EN, q="nuoc mam")
    assert "2 products found" in page
    assert "≈" not in page
    assert re.search(r'class="chip__count">\(2\)', page)


def test_the_english_page_shows_english_names_and_the_marked_vietnamese(client, catalogue):
    page = html(client, PAGE_EN, q="nuoc mam")

    assert '<html lang="en">' in page
    assert "2 products found" in page
    assert ">Phu Quoc fish sauce</a>" in page
    assert '<p class="search-hit__original" lang="vi"><mark>Nước</mark> <mark>mắm</mark> Phú Quốc</p>' in page
    assert "Condiments" in page
    assert "4★ or more" in page
    assert re.search(r'href="/en/[^"]+/"', page)


def test_facet_links_keep_the_other_filters_and_go_back_to_page_one(client, catalogue):
    page = html(client, PAGE, q="nuoc mam", sort="price_desc", page="1")

    assert 'href="?q=nuoc+mam&amp;sort=price_desc&amp;province=91"' in page
    assert 'href="?q=nuoc+mam&amp;sort=price_desc&amp;stars_min=4"' in page


def test_an_active_filter_is_marked_and_can_be_removed(client, catalogue):
    page = html(client, PAGE, q="nuoc mam", stars_min="4", province="91")

    assert "1 sản phẩm" in page
    assert 'href="?q=nuoc+mam&amp;province=91" aria-current="true"' in page
    assert 'href="?q=nuoc+mam&amp;stars_min=4"' in page  # removes the province
    assert "Nước mắm cốt nhĩ" not in page


def test_browsing_without_text_is_paginated(client, catalogue):
    first = html(client, PAGE, sort="price_asc")
    second = html(client, PAGE, sort="price_asc", page="2")

    assert "23 sản phẩm" in first
    assert 'href="?sort=price_asc&amp;page=2" rel="next"' in first
    assert 'aria-current="page"><span class="visually-hidden">Trang </span>2</a>' in second
    assert second.count('class="search-hit"') == 3


def test_a_typing_error_offers_did_you_mean(client, catalogue):
    page = html(client, PAGE_EN, q="nuoc mamm")

    assert 'Did you mean <a href="?q=nuoc+mam"><strong>nuoc mam</strong></a>?' in page


def test_nothing_found_shows_the_empty_state_with_suggestions(client, catalogue):
    page = html(client, PAGE, q="xe dap dien", province="91")

    assert 'class="empty-state"' in page
    assert "Chưa có sản phẩm nào khớp với “xe dap dien”." in page
    assert 'href="?q=xe+dap+dien"' in page  # the same words without the filters
    assert 'href="?category=food"' in page  # a category to browse instead


def test_nothing_found_in_english(client, catalogue):
    page = html(client, PAGE_EN, q="bicycle")

    assert "0 products found" in page
    assert "Nothing matches “bicycle” yet." in page


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 5000}, {"q": "nuoc\x00mam"}, {"sort": "cheapest"}, {"page": "99"}, {"stars_min": "six"}],
)
def test_bad_input_is_a_400_page_with_the_reason(client, catalogue, params):
    page = html(client, PAGE, status=400, **params)

    assert 'role="alert"' in page
    assert "Không thể tìm kiếm như thế này." in page


def test_search_operators_are_refused_with_a_link_to_the_plain_words(client, catalogue):
    page = html(client, PAGE, status=400, q='"nuoc mam"', province="91")

    assert 'role="alert"' in page
    assert 'href="?q=nuoc+mam&amp;province=91"' in page


@pytest.mark.parametrize(
    ("two", "twenty"),
    [
        ("?province=91", "?province=01"),
        # "food" is a word of every listing here (its category); "htx" is in no listing's words,
        # only in its cooperative's name, which finds the cooperative, not its products.
        ("?q=food&province=91", "?q=food&province=01"),
        ("/en/?q=food&province=91", "/en/?q=food&province=01"),
    ],
)
def test_the_page_costs_the_same_queries_for_2_hits_and_20(client, catalogue, two, twenty):
    url = PAGE_EN if two.startswith("/en/") else PAGE
    two, twenty = url + two.removeprefix("/en/"), url + twenty.removeprefix("/en/")
    client.get(url)  # the first request of a process loads the place caches and site settings

    assert html(client, twenty).count('class="search-hit"') == 20
    assert html(client, two).count('class="search-hit"') == 2
    assert count_queries(client, two) == count_queries(client, twenty)


@pytest.mark.parametrize(("url", "action"), [("/", "/tim-kiem/"), ("/en/", "/en/tim-kiem/")])
def test_every_page_has_the_search_box_in_its_header(client, catalogue, url, action):
    page = html(client, url)

    header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert f'<form class="site-search" method="get" action="{action}" role="search"' in header
    assert 'name="q"' in header
    assert 'data-suggest-url="/api/v1/search/suggest"' in header
    assert "js/search-suggest.js" in page


def test_a_cooperative_named_by_the_words_is_shown_in_its_own_box(client, catalogue):
    page = html(client, PAGE, q="phu quoc")

    box = page.split('<aside class="search-cooperatives"', 1)[1].split("</aside>", 1)[0]
    assert '<h3 id="search-cooperatives-heading" class="search-cooperatives__heading">Hợp tác xã</h3>' in box
    assert re.search(r'<a href="/[^"]+/">HTX Nước mắm Phú Quốc</a>', box)
    assert "An Giang" in box
    # Its listings are found by their own words: "Nước mắm Phú Quốc" is, the other one is not.
    assert "1 sản phẩm" in page
    assert "cốt nhĩ" not in page


def test_the_cooperatives_box_in_english_links_to_the_english_page(client, catalogue):
    page = html(client, PAGE_EN, q="lang vong")

    box = page.split('<aside class="search-cooperatives"', 1)[1].split("</aside>", 1)[0]
    assert ">Cooperatives</h3>" in box
    assert re.search(r'<a href="/en/[^"]+/">HTX Cốm Làng Vòng</a>', box)
    assert "0 products found" in page


def test_no_box_when_no_cooperative_is_named(client, catalogue):
    assert "search-cooperatives" not in html(client, PAGE, q="food")
    assert "search-cooperatives" not in html(client, PAGE)


def test_the_cooperatives_box_costs_one_query_and_the_same_for_one_or_two(client, catalogue, monkeypatch):
    client.get(PAGE)  # the first request of a process loads the place caches and site settings
    one, two = PAGE + "?q=htx+nuoc+mam", PAGE + "?q=htx"
    assert html(client, one).count('<li><a href="/') >= 1
    with_box = count_queries(client, one)
    assert count_queries(client, two) == with_box
    box = html(client, two).split('<aside class="search-cooperatives"', 1)[1].split("</aside>", 1)[0]
    assert box.count("<li>") == 2

    # The same page without looking for cooperatives at all.
    monkeypatch.setattr(search, "_cooperatives", lambda *args, **kwargs: [])
    without = count_queries(client, one)

    assert with_box - without == 1
