"""GET /api/v1/market/prices: public, aggregates only, 400 with {"detail"} for bad input."""

import pytest

from tests.marketplace.market.conftest import accepted_quote, month_label, paid_order

pytestmark = pytest.mark.django_db

URL = "/api/v1/market/prices"


@pytest.fixture
def traded(seller):
    """Rice sold by three cooperatives in Hà Nội and by one in Hồ Chí Minh City."""
    north = [seller("01", price_vnd=p) for p in (10_000, 20_000, 30_000)]
    for one in north:
        paid_order(one.product, 1)
    south = seller("79", price_vnd=99_000)
    accepted_quote(south.cooperative, [(south.product, "kg", 99_000, 1)])
    return north


def test_anyone_reads_the_prices(client, traded):
    response = client.get(URL)
    assert response.status_code == 200
    items = response.json()["items"]
    keys = {(i["category"], i["province"]) for i in items}
    assert keys == {("food-rice", None), ("food-rice", "01"), ("food", None), ("food", "01")}
    hanoi = next(i for i in items if (i["category"], i["province"]) == ("food-rice", "01"))
    assert hanoi == {
        "category": "food-rice",
        "category_name": "Gạo và ngũ cốc",
        "group": False,
        "unit": "kg",
        "province": "01",
        "month": month_label(0),
        "median_vnd": 20_000,
        "min_vnd": 10_000,
        "max_vnd": 30_000,
        "cooperatives": 3,
        "observations": 3,
    }
    country = next(i for i in items if (i["category"], i["province"]) == ("food-rice", None))
    assert (country["cooperatives"], country["max_vnd"]) == (4, 99_000)


def test_filters_by_category_province_and_months(client, traded):
    by_category = client.get(URL, {"category": "food"}).json()["items"]
    assert {(i["category"], i["group"]) for i in by_category} == {("food", True)}
    # A province by code without its zero, or by name without marks.
    for province in ("1", "Ha Noi"):
        items = client.get(URL, {"province": province}).json()["items"]
        assert {i["province"] for i in items} == {"01"}
    assert client.get(URL, {"province": "79"}).json()["items"] == []  # one cooperative: nothing shown
    assert client.get(URL, {"months": 1}).json()["items"]
    assert client.get(URL, {"months": 36}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"months": 0},
        {"months": 37},
        {"months": -5},
        {"months": "twelve"},
        {"months": 10**30},
        {"category": "no-such-category"},
        {"category": "food\x00"},
        {"category": "'; DROP TABLE catalog_category; --"},
        {"category": "x" * 101},
        {"province": "99"},
        {"province": "Atlantis"},
        {"province": "\x00"},
        {"province": "x" * 101},
    ],
)
def test_bad_input_is_a_400_with_a_detail(client, traded, query):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths[URL]
