"""GET /api/v1/search and /api/v1/search/suggest: the shape of the answer, the filters, and a
4xx with a message (never a 500) for anything the service refuses."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import search
from tests import factories

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search"
SUGGEST = "/api/v1/search/suggest"


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """Five listings in three provinces, indexed once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        phu_quoc = factories.cooperative(name="HTX Nước mắm Phú Quốc", province="Kiên Giang")
        dong_van = factories.cooperative(name="HTX Nông sản Đồng Văn", province="Hà Giang", kind="lhhtx")
        bat_trang = factories.cooperative(name="Tổ hợp tác Bát Tràng", province="01", kind="tht")
        products = {
            "fish_sauce": factories.product(
                cooperative=phu_quoc,
                name="Nước mắm Phú Quốc",
                name_en="Phu Quoc fish sauce",
                category="food-condiments",
                price_vnd=180_000,
                ocop=factories.ocop(stars=4),
            ),
            "honey": factories.product(
                cooperative=dong_van,
                name="Mật ong bạc hà",
                name_en="Mint honey",
                category="food-honey",
                price_vnd=350_000,
                ocop=factories.ocop(stars=5),
            ),
            "fish_sauce_ha_giang": factories.product(
                cooperative=dong_van,
                name="Nước mắm cá suối",
                category="food-condiments",
                price_vnd=90_000,
                ocop=factories.ocop(stars=3),
            ),
            "bran": factories.product(
                cooperative=bat_trang,
                name="Cám gạo sấy",
                category="food-rice",
                price_vnd=40_000,
                stock=0,
            ),
            "silk": factories.product(
                cooperative=bat_trang, name="Khăn lụa tơ tằm", category="textiles", price_vnd=450_000
            ),
        }
        search.rebuild()
        yield {key: product.sku for key, product in products.items()}
        transaction.set_rollback(True)


def get(client, url=SEARCH, **params):
    return client.get(url, params)


def skus(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [hit["sku"] for hit in response.json()["hits"]]


# --- shape ----------------------------------------------------------------------------------------


def test_a_search_answers_in_the_documented_shape(client, catalogue):
    body = get(client, q="nuoc mam", province="91").json()

    assert set(body) == {
        "total",
        "total_exact",
        "facets_exact",
        "page",
        "engine",
        "took_ms",
        "hits",
        "facets",
        "suggestion",
        "cooperatives",
    }
    assert body["total"] == 1
    assert body["total_exact"] is True
    assert body["facets_exact"] is True
    assert body["page"] == 1
    assert body["engine"] == "database"
    assert isinstance(body["took_ms"], float)
    assert body["suggestion"] is None
    [hit] = body["hits"]
    assert hit == {
        "sku": catalogue["fish_sauce"],
        "name": "Nước mắm Phú Quốc",
        "name_en": "Phu Quoc fish sauce",
        "url": hit["url"],
        "category": "food-condiments",
        "price_vnd": 180_000,
        "unit": hit["unit"],
        "ocop_stars": 4,
        "cooperative": {"tax_code": hit["cooperative"]["tax_code"], "name": "HTX Nước mắm Phú Quốc"},
        "province": {"code": "91", "name": "An Giang"},
        "highlight": "<mark>Nước</mark> <mark>mắm</mark> Phú Quốc",
    }
    assert hit["url"].startswith("http://testserver/")
    assert hit["url"].endswith("/")
    assert set(body["facets"]) == {"category", "province", "ocop_stars"}
    # The province facet ignores the province filter, so the other province stays on offer.
    provinces = {f["value"]: f["count"] for f in body["facets"]["province"]}
    assert provinces == {"91": 1, "08": 1}
    assert all(set(f) == {"value", "label", "count"} for f in body["facets"]["category"])
    assert {"value": "4", "label": "4★", "count": 1} in body["facets"]["ocop_stars"]
    # The cooperative whose name holds the words, in the province asked for, beside the listings.
    [cooperative] = body["cooperatives"]
    assert cooperative == {
        "name": "HTX Nước mắm Phú Quốc",
        "url": cooperative["url"],
        "province": {"code": "91", "name": "An Giang"},
    }
    assert cooperative["url"].startswith("http://testserver/")
    assert hit["url"].startswith(cooperative["url"])


def test_a_product_is_not_found_through_its_cooperatives_name(client, catalogue):
    # "Đồng Văn" is only in the name of the cooperative that sells the honey.
    body = get(client, q="dong van").json()

    assert body["hits"] == []
    assert [c["name"] for c in body["cooperatives"]] == ["HTX Nông sản Đồng Văn"]


def test_cooperatives_are_listed_on_the_first_page_only(client, catalogue):
    assert get(client, q="nuoc mam", page_size="1").json()["cooperatives"]
    assert get(client, q="nuoc mam", page_size="1", page="2").json()["cooperatives"] == []
    assert get(client).json()["cooperatives"] == []


def test_without_text_the_filtered_catalogue_is_browsed(client, catalogue):
    assert get(client).json()["total"] == 5
    assert skus(get(client, sort="price_asc")) == [
        catalogue["bran"],
        catalogue["fish_sauce_ha_giang"],
        catalogue["fish_sauce"],
        catalogue["honey"],
        catalogue["silk"],
    ]
    assert set(skus(get(client, category="food-condiments"))) == {
        catalogue["fish_sauce"],
        catalogue["fish_sauce_ha_giang"],
    }


@pytest.mark.parametrize("province", ["8", "08", "Hà Giang", "Tuyên Quang", "tuyen quang"])
def test_a_province_is_its_code_with_or_without_the_zero_or_its_name(client, catalogue, province):
    assert set(skus(get(client, province=province))) == {
        catalogue["honey"],
        catalogue["fish_sauce_ha_giang"],
    }


def test_past_the_counting_limit_the_answer_says_the_counts_are_not_exact(client, catalogue, settings):
    settings.SEARCH_EXACT_COUNT_LIMIT = 2
    body = get(client).json()
    assert (body["total"], body["total_exact"], body["facets_exact"]) == (2, False, False)
    assert body["hits"]

    settings.SEARCH_EXACT_COUNT_LIMIT = 10_000
    body = get(client).json()
    assert (body["total_exact"], body["facets_exact"]) == (True, True)
    assert body["total"] > 2


def test_filters_narrow_the_hits(client, catalogue):
    assert set(skus(get(client, q="nuoc mam", stars_min="4"))) == {catalogue["fish_sauce"]}
    assert set(skus(get(client, price_min="50000", price_max="200000"))) == {
        catalogue["fish_sauce"],
        catalogue["fish_sauce_ha_giang"],
    }
    assert catalogue["bran"] not in skus(get(client, in_stock="true"))
    assert catalogue["bran"] in skus(get(client, in_stock="false"))
    assert set(skus(get(client, kind="tht"))) == {catalogue["bran"], catalogue["silk"]}


def test_pages_and_page_size(client, catalogue):
    first = get(client, sort="price_asc", page_size="2").json()
    third = get(client, sort="price_asc", page_size="2", page="3").json()

    assert (first["total"], len(first["hits"])) == (5, 2)
    assert (third["page"], [h["sku"] for h in third["hits"]]) == (3, [catalogue["silk"]])
    assert len(get(client, page_size="100").json()["hits"]) == 5


def test_a_typing_error_comes_back_with_a_suggestion(client, catalogue):
    body = get(client, q="nuoc mamm").json()

    assert catalogue["fish_sauce"] in [hit["sku"] for hit in body["hits"]]
    assert body["suggestion"] == "nuoc mam"


def test_search_engine_syntax_is_refused_with_the_plain_words_to_try(client, catalogue):
    # Quotes, *, NEAR( and AND OR would do nothing here: a 400 says so and offers the words.
    for text, plain in [
        ('"nuoc mam"', "nuoc mam"),
        ("nuoc* mam", "nuoc mam"),
        ("NEAR(nuoc mam)", "nuoc mam)"),
        ("nuoc AND OR mam", "nuoc mam"),
        ("' OR 1=1 --", "' 1=1 --"),
    ]:
        response = get(client, q=text)
        assert response.status_code == 400, text
        assert "NEAR" in response.json()["detail"], text
        assert response.json()["detail"].endswith(f": {plain}"), text
    for text in ["*", '"']:
        assert get(client, q=text).status_code == 400, text
        assert get(client, "/api/v1/search/suggest", q=text).status_code == 400, text


def test_punctuation_that_is_not_an_operator_is_read_as_words(client, catalogue):
    for text in ["(nuoc) mam:", "nuoc-mam", "nuoc mam and more", "nuoc or mam"]:
        response = get(client, q=text)
        assert response.status_code == 200, text
    assert catalogue["fish_sauce"] in skus(get(client, q="(nuoc) mam:"))


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "nước mắm " * 556},
        {"q": "x" * 5000},
        {"q": "nuoc\x00mam"},
        {"q": "nuoc\x1bmam"},
        {"q": "nuoc\x7fmam"},
        {"stars_min": "four"},
        {"stars_min": "6"},
        {"stars_min": "-1"},
        {"price_min": "1e9"},
        {"price_min": "-5"},
        {"price_max": "12.5"},
        {"price_min": "500", "price_max": "100"},
        {"page": "0"},
        {"page": "two"},
        {"page": "99"},
        {"page_size": "101"},
        {"page_size": "0"},
        {"sort": "cheapest"},
        {"kind": "company"},
        {"in_stock": "maybe"},
        {"province": "Atlantis"},
        {"province": "\x00"},
        {"category": "../../etc"},
    ],
)
def test_bad_input_is_a_400_with_a_message(client, catalogue, params):
    response = get(client, **params)

    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_page_past_the_last_names_the_last(client, catalogue):
    response = get(client, page="4", page_size="2")

    assert response.status_code == 400
    assert "3" in response.json()["detail"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.text(max_size=300),
    province=st.one_of(st.just(""), st.text(max_size=4), st.sampled_from(["8", "08", "91"])),
    stars_min=st.one_of(st.just(""), st.text(max_size=2), st.integers(-1, 7).map(str)),
    page=st.one_of(st.just(""), st.text(max_size=3), st.integers(-1, 4).map(str)),
    sort=st.sampled_from(["", "relevance", "stars", "price_asc", "x"]),
)
def test_any_input_is_answered_or_refused_never_a_500(client, catalogue, q, province, stars_min, page, sort):
    params = {"q": q, "province": province, "stars_min": stars_min, "page": page, "sort": sort}
    response = get(client, **params)
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert response.json()["detail"]
    assert get(client, SUGGEST, q=q).status_code in {200, 400}


# --- autocomplete ---------------------------------------------------------------------------------


def test_suggestions_complete_the_last_word(client, catalogue):
    response = get(client, SUGGEST, q="nuoc m")

    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    # The listings first, then the cooperative whose name starts the same way.
    assert {s["text"] for s in suggestions[:2]} == {"Nước mắm Phú Quốc", "Nước mắm cá suối"}
    assert {s["kind"] for s in suggestions[:2]} == {"product"}
    assert suggestions[2:] == [
        {"text": "HTX Nước mắm Phú Quốc", "url": suggestions[2]["url"], "kind": "cooperative"}
    ]
    assert all(set(s) == {"text", "url", "kind"} for s in suggestions)
    assert all(s["url"].startswith("http://testserver/") for s in suggestions)


def test_too_little_text_suggests_nothing(client, catalogue):
    assert get(client, SUGGEST, q="n").json() == {"suggestions": []}
    assert get(client, SUGGEST).json() == {"suggestions": []}


@pytest.mark.parametrize("text", ["nuoc\x00m", "x" * 5000, "mam\x1b"])
def test_bad_suggestion_input_is_a_400(client, catalogue, text):
    response = get(client, SUGGEST, q=text)

    assert response.status_code == 400
    assert response.json()["detail"]


def test_cooperative_suggestions_cost_one_query(client, catalogue, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(text: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(client, SUGGEST, q=text).status_code == 200
        return len(captured)

    get(client, SUGGEST, q="ht")  # the first request loads the site's root paths
    # "htx" starts the names of two cooperatives, "to hop" the third's.
    with_cooperatives = queries("htx")
    assert [s["kind"] for s in get(client, SUGGEST, q="htx").json()["suggestions"]] == ["cooperative"] * 2
    monkeypatch.setattr(search, "_cooperatives", lambda *args, **kwargs: [])
    without = queries("htx")

    assert with_cooperatives - without == 1
