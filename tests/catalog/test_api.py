import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.places import resolve_province
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _unpublished_cooperative(*, province: str = "01"):
    cooperative, _ = services.cooperative_upsert(
        data=services.CooperativeData(
            tax_code=factories.tax_code(),
            name="HTX Chưa xuất bản",
            kind="htx",
            province=resolve_province(province),
        ),
        publish=False,
    )
    return cooperative


# --- provinces ---------------------------------------------------------------------------------


def test_provinces_lists_the_34_current_units_with_two_digit_codes(client):
    response = client.get(f"{API}/provinces")

    assert response.status_code == 200
    provinces = response.json()
    assert len(provinces) == 34
    assert {"code": "08", "name": "Tuyên Quang"} in provinces
    assert all(len(p["code"]) == 2 for p in provinces)


# --- cooperatives ------------------------------------------------------------------------------


def test_cooperatives_lists_only_live_verified_cooperatives(client):
    listed = factories.cooperative(name="HTX Chè Tân Cương", province="19")
    factories.cooperative(name="HTX Chờ xác minh", verified=False)
    _unpublished_cooperative()

    body = client.get(f"{API}/cooperatives").json()

    assert body["total"] == 1
    (item,) = body["items"]
    assert item["tax_code"] == listed.tax_code
    assert item["name"] == "HTX Chè Tân Cương"
    assert item["kind"] == "htx"
    assert item["province"] == {"code": "19", "name": "Thái Nguyên"}
    assert item["url"].startswith("http://testserver/")
    assert item["url"].endswith(f"{listed.slug}/")


@pytest.mark.parametrize("value", ["08", "8", "Tuyên Quang", "tuyen quang", "Hà Giang", "ha giang"])
def test_cooperatives_province_filter_accepts_codes_names_and_former_provinces(client, value):
    in_tuyen_quang = factories.cooperative(province="08")
    factories.cooperative(province="01")

    body = client.get(f"{API}/cooperatives", {"province": value}).json()

    assert [item["tax_code"] for item in body["items"]] == [in_tuyen_quang.tax_code]


def test_unknown_province_is_a_400_with_a_message(client):
    response = client.get(f"{API}/cooperatives", {"province": "Atlantis"})

    assert response.status_code == 400
    assert "Atlantis" in response.json()["detail"]


def test_cooperatives_kind_filter(client):
    group = factories.cooperative(name="Tổ hợp tác Mây tre", kind="tht")
    factories.cooperative(kind="htx")

    body = client.get(f"{API}/cooperatives", {"kind": "tht"}).json()
    assert [item["tax_code"] for item in body["items"]] == [group.tax_code]

    response = client.get(f"{API}/cooperatives", {"kind": "company"})
    assert response.status_code == 400
    assert "kind" in response.json()["detail"]


def test_cooperatives_are_paged_and_a_page_past_the_end_is_404(client):
    for n in range(5):
        factories.cooperative(name=f"HTX Số {n}")

    first = client.get(f"{API}/cooperatives", {"page_size": 2}).json()
    last = client.get(f"{API}/cooperatives", {"page_size": 2, "page": 3}).json()
    beyond = client.get(f"{API}/cooperatives", {"page_size": 2, "page": 4})

    assert first["total"] == last["total"] == 5
    assert [i["name"] for i in first["items"]] == ["HTX Số 0", "HTX Số 1"]
    assert [i["name"] for i in last["items"]] == ["HTX Số 4"]
    assert beyond.status_code == 404
    assert "(3)" in beyond.json()["detail"]  # the last page, in whichever language


def test_default_page_size_is_20(client):
    for _ in range(21):
        factories.cooperative()

    body = client.get(f"{API}/cooperatives").json()

    assert body["total"] == 21
    assert len(body["items"]) == 20


def test_first_page_of_an_empty_result_is_200_and_the_second_is_404(client):
    empty = client.get(f"{API}/cooperatives", {"province": "96"})
    second = client.get(f"{API}/cooperatives", {"province": "96", "page": 2})

    assert empty.status_code == 200
    assert empty.json() == {"total": 0, "items": []}
    assert second.status_code == 404


def test_cooperative_list_costs_the_same_queries_for_2_and_20_items(client):
    def queries_for_listing():
        client.get(f"{API}/cooperatives")  # warm Wagtail's site-root cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{API}/cooperatives")
        return len(response.json()["items"]), len(captured)

    for n in range(2):
        factories.cooperative(province=("01", "79")[n % 2])
    items_2, queries_2 = queries_for_listing()
    for n in range(18):
        factories.cooperative(province=("19", "96", "46")[n % 3])
    items_20, queries_20 = queries_for_listing()

    assert (items_2, items_20) == (2, 20)
    assert queries_20 == queries_2


# --- products ----------------------------------------------------------------------------------


def test_product_detail_has_the_listing_fields(client):
    cooperative = factories.cooperative(name="HTX Nước mắm Phú Quốc", province="91")
    product = factories.product(
        cooperative=cooperative,
        sku="NM-500",
        name="Nước mắm Phú Quốc",
        name_en="Phu Quoc fish sauce",
        category="food-condiments",
        unit="chai 500 ml",
        price_vnd=95_000,
        min_order_qty=6,
    )
    services.product_set_stock(product=product, stock=120)

    response = client.get(f"{API}/products/NM-500")

    assert response.status_code == 200
    body = response.json()
    assert body["sku"] == "NM-500"
    assert body["name"] == "Nước mắm Phú Quốc"
    assert body["name_en"] == "Phu Quoc fish sauce"
    assert body["category"] == "food-condiments"
    assert body["unit"] == "chai 500 ml"
    assert body["price_vnd"] == 95_000
    assert body["min_order_qty"] == 6
    assert body["stock"] == 120
    assert body["status"] == "published"
    assert body["url"] == f"http://testserver{product.url}"
    assert body["cooperative"] == {
        "tax_code": cooperative.tax_code,
        "name": "HTX Nước mắm Phú Quốc",
        "province": {"code": "91", "name": "An Giang"},
    }
    assert body["ocop_stars"] is None
    assert body["ocop_certificate"] is None


def test_product_stock_is_null_when_not_tracked(client):
    factories.product(sku="NO-STOCK")

    assert client.get(f"{API}/products/NO-STOCK").json()["stock"] is None


def test_valid_certificate_shows_its_stars(client):
    issued = datetime.date.today() - datetime.timedelta(days=100)
    factories.product(sku="OCOP-4", ocop=factories.ocop(stars=4, issued_on=issued, number="812/QĐ-UBND"))

    body = client.get(f"{API}/products/OCOP-4").json()

    assert body["ocop_stars"] == 4
    assert body["ocop_certificate"]["certificate_no"] == "812/QĐ-UBND"
    assert body["ocop_certificate"]["status"] == "valid"
    assert body["ocop_certificate"]["issued_on"] == issued.isoformat()


def test_expired_certificate_hides_stars_but_is_reported(client):
    issued = datetime.date.today() - datetime.timedelta(days=4 * 365)
    factories.product(sku="OCOP-OLD", ocop=factories.ocop(stars=5, issued_on=issued))

    body = client.get(f"{API}/products/OCOP-OLD").json()

    assert body["ocop_stars"] is None
    assert body["ocop_certificate"]["stars"] == 5
    assert body["ocop_certificate"]["status"] == "expired"


def test_expiring_certificate_still_shows_its_stars(client):
    expires = datetime.date.today() + datetime.timedelta(days=30)
    factories.product(
        sku="OCOP-SOON",
        ocop=factories.ocop(stars=3, issued_on=expires - datetime.timedelta(days=1000), expires_on=expires),
    )

    body = client.get(f"{API}/products/OCOP-SOON").json()

    assert body["ocop_stars"] == 3
    assert body["ocop_certificate"]["status"] == "expiring"


def test_unknown_sku_is_404_with_a_message(client):
    response = client.get(f"{API}/products/NOPE-1")

    assert response.status_code == 404
    assert "NOPE-1" in response.json()["detail"]


def test_draft_product_is_hidden_from_the_public_and_other_cooperatives(client):
    staff, outsider = factories.user(), factories.user()
    cooperative = factories.cooperative(staff=[staff])
    factories.cooperative(staff=[outsider])
    factories.product(cooperative=cooperative, sku="DRAFT-1", publish=False)

    assert client.get(f"{API}/products/DRAFT-1").status_code == 404
    client.force_login(outsider)
    assert client.get(f"{API}/products/DRAFT-1").status_code == 404


def test_cooperative_staff_and_administrators_see_unpublished_products(client):
    staff = factories.user()
    cooperative = factories.cooperative(staff=[staff])
    factories.product(cooperative=cooperative, sku="DRAFT-2", publish=False)

    client.force_login(staff)
    as_staff = client.get(f"{API}/products/DRAFT-2")
    client.force_login(factories.superuser())
    as_admin = client.get(f"{API}/products/DRAFT-2")

    assert as_staff.status_code == as_admin.status_code == 200
    assert as_staff.json()["status"] == "draft"


def test_product_in_review_reports_its_status_to_staff(client):
    staff = factories.user()
    cooperative = factories.cooperative(staff=[staff])
    factories.product(cooperative=cooperative, sku="REVIEW-1", publish=False, submit=True, user=staff)

    client.force_login(staff)

    assert client.get(f"{API}/products/REVIEW-1").json()["status"] == "in_review"


def test_archived_product_is_gone_for_the_public_but_not_for_its_staff(client):
    staff = factories.user()
    cooperative = factories.cooperative(staff=[staff])
    product = factories.product(cooperative=cooperative, sku="OLD-1")
    services.product_archive(product=product)

    assert client.get(f"{API}/products/OLD-1").status_code == 404
    client.force_login(staff)
    assert client.get(f"{API}/products/OLD-1").json()["status"] == "archived"


def test_product_of_an_unverified_cooperative_is_hidden(client):
    factories.product(cooperative=factories.cooperative(verified=False), sku="UNVERIFIED-1")

    assert client.get(f"{API}/products/UNVERIFIED-1").status_code == 404


def test_sku_shared_by_two_cooperatives_is_a_409_until_one_is_chosen(client):
    first = factories.cooperative(name="HTX Mật ong Đồng Văn", province="08")
    second = factories.cooperative(name="HTX Ong mật Mộc Châu", province="14")
    factories.product(cooperative=first, sku="MO-500", name="Mật ong bạc hà")
    factories.product(cooperative=second, sku="MO-500", name="Mật ong hoa rừng")

    conflict = client.get(f"{API}/products/MO-500")
    chosen = client.get(f"{API}/products/MO-500", {"cooperative": second.tax_code})
    unknown = client.get(f"{API}/products/MO-500", {"cooperative": "0999999999"})

    assert conflict.status_code == 409
    assert "?cooperative=" in conflict.json()["detail"]
    assert {c["tax_code"] for c in conflict.json()["cooperatives"]} == {first.tax_code, second.tax_code}
    assert chosen.status_code == 200
    assert chosen.json()["name"] == "Mật ong hoa rừng"
    assert unknown.status_code == 404


def test_shared_sku_is_no_conflict_when_only_one_is_visible(client):
    factories.product(sku="MO-1000", name="Công khai")
    factories.product(sku="MO-1000", name="Bản nháp", publish=False)

    response = client.get(f"{API}/products/MO-1000")

    assert response.status_code == 200
    assert response.json()["name"] == "Công khai"


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/products/{'A' * 5000}",
        f"{API}/products/%00",
        f"{API}/products/NM%00500",
        f"{API}/products/%E2%80%AE%01%1F",
        f"{API}/products/-leading-dash",
        f"{API}/products/%F0%9F%8D%9A",
        f"{API}/products/NM-500?cooperative=%00",
        f"{API}/products/NM-500?cooperative={'9' * 5000}",
        f"{API}/products/NM-500?cooperative=abc",
        f"{API}/cooperatives?page=abc",
        f"{API}/cooperatives?page=-1",
        f"{API}/cooperatives?page=0",
        f"{API}/cooperatives?page=1.5",
        f"{API}/cooperatives?page={10**30}",
        f"{API}/cooperatives?page=10**30",
        f"{API}/cooperatives?page=",
        f"{API}/cooperatives?page_size=0",
        f"{API}/cooperatives?page_size=101",
        f"{API}/cooperatives?page_size={10**30}",
        f"{API}/cooperatives?province=%00",
        f"{API}/cooperatives?province=99",
        f"{API}/cooperatives?province={'x' * 5000}",
        f"{API}/cooperatives?province=%01%02%7F",
        f"{API}/cooperatives?kind=%00",
        f"{API}/cooperatives?kind=HTX%27%20OR%201=1",
    ],
    ids=lambda path: path.removeprefix(API)[:40],
)
def test_weird_input_is_a_client_error_with_a_message(client, path):
    factories.product(sku="NM-500")

    response = client.get(path)

    assert 400 <= response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["detail"], str)
    assert response.json()["detail"]


def test_validation_errors_are_400_with_a_readable_detail_and_the_field_list(client):
    body = client.get(f"{API}/cooperatives", {"page": "abc"}).json()

    assert body["detail"].startswith("page: ")
    assert body["errors"][0]["loc"] == ["query", "page"]
