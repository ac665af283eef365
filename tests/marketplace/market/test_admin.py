"""The market-information page in the Wagtail admin: alliance staff and superusers only, filters,
downloads that read back, and a fixed number of queries."""

import csv
import io

import pytest
from openpyxl import load_workbook

from marketplace import market_files
from tests import factories
from tests.helpers import count_queries
from tests.marketplace.market.conftest import month_label, paid_order
from tests.marketplace.market.test_demand import offer, rice_rfq

pytestmark = pytest.mark.django_db

PAGE = "/admin/marketplace/market/"


def download(report, file_format, query=""):
    return f"{PAGE}{report}.{file_format}{query}"


@pytest.fixture
def market(seller):
    for price in (10_000, 20_000, 30_000):
        paid_order(seller("01", price_vnd=price).product, 1)
    paid_order(seller("79", price_vnd=50_000).product, 1)
    rice_rfq("01", quantity=3)
    offer("01", capacity=8)


@pytest.fixture
def people():
    staff, overseer, national = factories.user(), factories.user(), factories.user()
    factories.cooperative(staff=[staff], province="01")
    factories.alliance(provinces=("01",), staff=[overseer])
    factories.alliance(provinces=(), kind="national", staff=[national])
    return {
        "superuser": factories.superuser(),
        "alliance staff": overseer,
        "national alliance staff": national,
        "cooperative staff": staff,
        "buyer": factories.user(),
    }


URLS = [PAGE, download("prices", "csv"), download("prices", "xlsx"), download("demand", "csv")]


@pytest.mark.parametrize("who", ["superuser", "alliance staff", "national alliance staff"])
def test_alliance_staff_and_superusers_see_the_page_and_its_downloads(client, market, people, who):
    client.force_login(people[who])
    for url in URLS:
        assert client.get(url).status_code == 200, url
    menu = client.get("/admin/").content.decode()
    assert PAGE in menu


def test_a_cooperatives_staff_is_refused(client, market, people):
    client.force_login(people["cooperative staff"])
    for url in URLS:
        assert client.get(url).status_code == 403, url
    assert PAGE not in client.get("/admin/").content.decode()


def test_a_buyer_and_a_visitor_are_sent_to_log_in(client, market, people):
    """Wagtail turns away whoever may not enter the admin at all before the page is reached."""
    for user in (people["buyer"], None):
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in URLS:
            response = client.get(url)
            assert response.status_code == 302, url
            assert "/login/?next=" in response["Location"]


def test_the_page_shows_prices_where_three_cooperatives_traded_and_demand_against_supply(
    client, market, people
):
    client.force_login(people["alliance staff"])
    response = client.get(PAGE)
    prices = response.context["prices"]
    assert {(row["category"], row["province"]) for row in prices} == {
        ("food-rice", "01"),
        ("food-rice", None),
        ("food", "01"),
        ("food", None),
    }
    html = response.content.decode()
    assert 'id="market-prices"' in html
    assert "20.000" in html  # Hà Nội's median, in Vietnamese figures
    [row] = response.context["demand"]
    assert (row["province"], row["rfqs"], row["monthly_capacity"]) == ("01", 1, 8)


def test_filters_narrow_the_page_and_ride_along_to_the_downloads(client, market, people):
    client.force_login(people["alliance staff"])
    query = "?category=food-rice&province=01&months=3"
    response = client.get(PAGE + query)
    assert {(row["category"], row["province"]) for row in response.context["prices"]} == {("food-rice", "01")}
    assert response.context["downloads"]["prices"][0] == ("CSV", download("prices", "csv", query))
    text = client.get(download("prices", "csv", query)).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["category"], r["province"], r["month"], r["median_vnd"]) for r in rows] == [
        ("food-rice", "01", month_label(0), "20000")
    ]
    response = client.get(download("demand", "xlsx", "?province=79"))
    assert response["Content-Type"] == market_files.CONTENT_TYPES["xlsx"]
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert list(sheet.iter_rows(values_only=True)) == [market_files.DEMAND_COLUMNS]


@pytest.mark.parametrize(
    "query",
    [
        "?months=0",
        "?months=37",
        "?months=abc",
        "?months=99999999999999999999999",
        "?category=nope",
        "?province=99",
        "?province=%00",
        "?category=" + "x" * 5000,
    ],
)
def test_bad_filters_are_a_400_never_a_500(client, market, people, query):
    client.force_login(people["superuser"])
    page = client.get(PAGE + query)
    assert page.status_code == 400
    assert page.context["form"].errors
    assert client.get(download("prices", "csv", query)).status_code == 400


def test_an_unknown_report_or_format_is_a_404(client, people):
    client.force_login(people["superuser"])
    assert client.get(download("gossip", "csv")).status_code == 404
    assert client.get(download("prices", "pdf")).status_code == 404


def test_the_page_costs_the_same_queries_for_little_or_much_trade(client, seller, people):
    client.force_login(people["alliance staff"])
    three = [seller("01", price_vnd=price) for price in (10_000, 20_000, 30_000)]
    for one in three:
        paid_order(one.product, 1)
    few = count_queries(client, PAGE)
    for n in range(4):
        for one in [*three, seller("79")]:
            paid_order(one.product, 1)
        rice_rfq("01", quantity=n + 1)
        offer("79", capacity=n + 1, unit="kg")
    assert count_queries(client, PAGE) == few
