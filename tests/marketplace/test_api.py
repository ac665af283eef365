"""The marketplace API (/api/v1/): shapes, stock conflicts, who may call what, CSRF, hostile input.

Requests go through Django's test client to the real routes; data is built through the services.
Messages are matched by status code and data (numbers, codes), not by their words, which the
Vietnamese catalogue changes.
"""

import json
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog import services as catalog_services
from catalog.models import ProductInventory
from marketplace.models import Cart, CartLine, Order, OrderEvent, Purchase
from marketplace.payments import vietqr
from marketplace.services.orders import StatusChange, order_change_status
from tests import factories
from tests.clock import dated
from tests.factories import marketplace as mf

pytestmark = pytest.mark.django_db

NOTHING = object()
CSRF_TOKEN = "a" * 32  # a CSRF secret: Django accepts the unmasked 32-character form


@dataclass
class Shop:
    first: object
    second: object
    first_staff: object
    second_staff: object
    honey: object
    sauce: object


@pytest.fixture
def shop():
    first_staff, second_staff = factories.user(), factories.user()
    first = factories.cooperative(name="HTX Mật ong Mộc Châu", staff=[first_staff])
    second = factories.cooperative(name="HTX Nước mắm Phú Quốc", province="79", staff=[second_staff])
    mf.terms(first, shipping="flat", shipping_fee_vnd=30_000)
    mf.terms(second, shipping="free_above", shipping_fee_vnd=40_000, free_shipping_from_vnd=500_000)
    honey = factories.product(cooperative=first, name="Mật ong bạc hà", price_vnd=200_000, stock=10)
    sauce = factories.product(
        cooperative=second, name="Nước mắm", price_vnd=150_000, stock=5, wholesale_tiers=[(4, 120_000)]
    )
    return Shop(first, second, first_staff, second_staff, honey, sauce)


def client_for(user=None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def call(client, method: str, path: str, body=NOTHING, **extra):
    """`body` sent as JSON (text and bytes as they are), each `tests.clock.days(n)` in it as its date."""
    if body is not NOTHING:
        extra["data"] = body if isinstance(body, str | bytes) else json.dumps(dated(body, text=True))
        extra["content_type"] = "application/json"
    elif method != "get":
        extra.setdefault("content_type", "application/json")  # an empty body, as fetch() sends
    return getattr(client, method)(f"/api/v1{path}", **extra)


def shipping(**fields) -> dict:
    address = mf.address()
    return {
        "name": address.name,
        "phone": address.phone,
        "province": address.province,
        "ward": address.ward,
        "address": address.address,
    } | fields


def stock_of(product) -> int:
    return ProductInventory.objects.get(product=product).stock


# --- the cart ----------------------------------------------------------------------------------

CART_KEYS = {"groups", "total_vnd", "payment_methods"}
GROUP_KEYS = {"cooperative", "lines", "subtotal_vnd", "shipping_vnd"}
LINE_KEYS = {"id", "sku", "name", "quantity", "unit_price_vnd", "line_total_vnd"}
LINE_EXTRAS = {"problems", "price_changed", "seen_unit_price_vnd"}


def test_cart_has_the_specified_shape_grouped_by_cooperative(shop):
    client = client_for()
    assert call(client, "post", "/cart/lines", {"sku": shop.honey.sku, "quantity": 2}).status_code == 201
    response = call(client, "post", "/cart/lines", {"sku": shop.sauce.sku, "quantity": 4})
    assert response.status_code == 201
    body = response.json()
    assert body == call(client, "get", "/cart").json()

    assert set(body) == CART_KEYS
    assert [set(group) for group in body["groups"]] == [GROUP_KEYS, GROUP_KEYS]
    groups = {group["cooperative"]["tax_code"]: group for group in body["groups"]}
    honey_group, sauce_group = groups[shop.first.tax_code], groups[shop.second.tax_code]
    assert honey_group["cooperative"] == {"tax_code": shop.first.tax_code, "name": shop.first.title}
    [honey_line] = honey_group["lines"]
    assert set(honey_line) == LINE_KEYS | LINE_EXTRAS
    assert honey_line == {
        "id": CartLine.objects.get(product=shop.honey).pk,
        "sku": shop.honey.sku,
        "name": shop.honey.title,
        "quantity": 2,
        "unit_price_vnd": 200_000,
        "line_total_vnd": 400_000,
        "problems": [],
        "price_changed": False,
        "seen_unit_price_vnd": 200_000,
    }
    assert (honey_group["subtotal_vnd"], honey_group["shipping_vnd"]) == (400_000, 30_000)
    # The wholesale tier from 4 units; under 500,000 the 40,000 fee applies.
    [sauce_line] = sauce_group["lines"]
    assert (sauce_line["unit_price_vnd"], sauce_line["line_total_vnd"]) == (120_000, 480_000)
    assert (sauce_group["subtotal_vnd"], sauce_group["shipping_vnd"]) == (480_000, 40_000)
    assert body["total_vnd"] == 430_000 + 520_000
    # No card processor is configured in the tests; both cooperatives have a bank account and take cash.
    assert body["payment_methods"] == ["vietqr", "cod"]


def test_an_anonymous_cart_lives_in_the_session_and_is_created_only_on_a_write(shop):
    visitor, stranger = client_for(), client_for()
    assert call(visitor, "get", "/cart").json() == {"groups": [], "total_vnd": 0, "payment_methods": []}
    assert not Cart.objects.exists()

    call(visitor, "post", "/cart/lines", {"sku": shop.honey.sku, "quantity": 1})
    cart = Cart.objects.get()
    assert cart.user is None
    assert visitor.session["cart_id"] == cart.pk
    assert len(call(visitor, "get", "/cart").json()["groups"]) == 1
    assert call(stranger, "get", "/cart").json()["groups"] == []


def test_a_signed_in_buyer_reads_their_own_cart(shop, buyer):
    mf.cart(buyer, [(shop.honey, 3)])
    body = call(client_for(buyer), "get", "/cart").json()
    assert [line["quantity"] for group in body["groups"] for line in group["lines"]] == [3]


def test_adding_an_sku_two_cooperatives_sell_needs_the_cooperative(shop):
    twin = factories.product(cooperative=shop.second, sku=shop.honey.sku, price_vnd=90_000)
    client = client_for()

    response = call(client, "post", "/cart/lines", {"sku": shop.honey.sku, "quantity": 1})
    assert response.status_code == 400
    assert shop.first.tax_code in response.json()["detail"]
    assert shop.second.tax_code in response.json()["detail"]
    assert not CartLine.objects.exists()

    body = {"sku": shop.honey.sku, "cooperative": shop.second.tax_code, "quantity": 1}
    response = call(client, "post", "/cart/lines", body)
    assert response.status_code == 201
    assert CartLine.objects.get().product_id == twin.pk


@pytest.mark.parametrize("which", ["unknown", "draft", "other cooperative"])
def test_an_sku_not_on_sale_is_404(shop, which):
    draft = factories.product(cooperative=shop.first, publish=False, price_vnd=1_000)
    body = {
        "unknown": {"sku": "NO-SUCH-SKU", "quantity": 1},
        "draft": {"sku": draft.sku, "quantity": 1},
        "other cooperative": {"sku": shop.honey.sku, "cooperative": shop.second.tax_code, "quantity": 1},
    }[which]
    response = call(client_for(), "post", "/cart/lines", body)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
    assert not CartLine.objects.exists()


def test_a_broken_rule_is_400_naming_it_and_changes_nothing(shop):
    bulk = factories.product(cooperative=shop.first, price_vnd=5_000, min_order_qty=7)
    client = client_for()
    call(client, "post", "/cart/lines", {"sku": shop.honey.sku, "quantity": 8})

    too_many = call(client, "post", "/cart/lines", {"sku": shop.honey.sku, "quantity": 3})
    assert too_many.status_code == 400
    assert "10" in too_many.json()["detail"]  # the stock left
    too_few = call(client, "post", "/cart/lines", {"sku": bulk.sku, "quantity": 2})
    assert too_few.status_code == 400
    assert "7" in too_few.json()["detail"]  # the minimum order
    assert [(line.product_id, line.quantity) for line in CartLine.objects.all()] == [(shop.honey.pk, 8)]


def test_a_visitors_refused_first_line_leaves_no_cart(shop):
    client = client_for()
    assert call(client, "post", "/cart/lines", {"sku": shop.honey.sku, "quantity": 11}).status_code == 400
    assert not Cart.objects.exists()
    assert "cart_id" not in client.session


def test_a_line_can_be_changed_and_removed(shop, buyer):
    client = client_for(buyer)
    call(client, "post", "/cart/lines", {"sku": shop.sauce.sku, "quantity": 1})
    line = CartLine.objects.get()

    response = call(client, "patch", f"/cart/lines/{line.pk}", {"quantity": 4})
    assert response.status_code == 200
    [changed] = response.json()["groups"][0]["lines"]
    assert (changed["quantity"], changed["unit_price_vnd"]) == (4, 120_000)
    assert call(client, "patch", f"/cart/lines/{line.pk}", {"quantity": 6}).status_code == 400
    assert CartLine.objects.get().quantity == 4

    response = call(client, "delete", f"/cart/lines/{line.pk}")
    assert response.status_code == 200
    assert response.json()["groups"] == []
    assert not CartLine.objects.exists()


def test_another_carts_line_is_404_and_untouched(shop, buyer):
    [mine] = [mf.cart(buyer, [(shop.honey, 2)]).lines.get()]
    visitor = client_for()
    call(visitor, "post", "/cart/lines", {"sku": shop.sauce.sku, "quantity": 1})

    for client in (visitor, client_for(factories.user())):
        assert call(client, "patch", f"/cart/lines/{mine.pk}", {"quantity": 1}).status_code == 404
        assert call(client, "delete", f"/cart/lines/{mine.pk}").status_code == 404
    mine.refresh_from_db()
    assert mine.quantity == 2


def test_a_changed_price_shows_and_sending_the_quantity_again_accepts_it(shop, buyer):
    client = client_for(buyer)
    call(client, "post", "/cart/lines", {"sku": shop.honey.sku, "quantity": 1})
    shop.honey.price_vnd = 210_000
    shop.honey.save_revision().publish()

    [line] = call(client, "get", "/cart").json()["groups"][0]["lines"]
    assert (line["price_changed"], line["seen_unit_price_vnd"], line["unit_price_vnd"]) == (
        True,
        200_000,
        210_000,
    )
    refused = call(client, "post", "/checkout", {"payment_method": "cod", "shipping": shipping()})
    assert refused.status_code == 400
    assert not Purchase.objects.exists()

    call(client, "patch", f"/cart/lines/{line['id']}", {"quantity": 1})
    response = call(client, "post", "/checkout", {"payment_method": "cod", "shipping": shipping()})
    assert response.status_code == 201
    assert response.json()["total_vnd"] == 210_000 + 30_000


def test_a_line_too_dear_for_one_order_is_refused_not_a_crash(shop):
    gold = factories.product(cooperative=shop.first, price_vnd=10**12)
    response = call(client_for(), "post", "/cart/lines", {"sku": gold.sku, "quantity": 10**9})
    assert response.status_code == 400
    assert not CartLine.objects.exists()


# --- checkout ----------------------------------------------------------------------------------

PURCHASE_KEYS = {"purchase", "payment_code", "total_vnd", "orders", "payment"}
ORDER_BRIEF_KEYS = {"number", "cooperative", "total_vnd", "status", "payment_status"}
ORDER_BRIEF_EXTRAS = {"payment_method", "created_at"}
TRANSFER_KEYS = {"order", "amount_vnd", "payload", "bank_bin", "account"}


def test_checkout_by_transfer_answers_201_with_a_vietqr_code_per_order(shop, buyer):
    mf.cart(buyer, [(shop.honey, 2), (shop.sauce, 4)])
    body = {"payment_method": "vietqr", "shipping": shipping(), "note": "Giao giờ hành chính"}
    response = call(client_for(buyer), "post", "/checkout", body)

    assert response.status_code == 201
    answer = response.json()
    assert set(answer) == PURCHASE_KEYS
    purchase = Purchase.objects.get()
    assert (answer["purchase"], answer["payment_code"], answer["total_vnd"]) == (
        purchase.pk,
        purchase.payment_code,
        950_000,
    )
    assert purchase.note == "Giao giờ hành chính"
    orders = {order.number: order for order in purchase.orders.select_related("cooperative")}
    assert {o["number"] for o in answer["orders"]} == set(orders)
    for brief in answer["orders"]:
        order = orders[brief["number"]]
        assert set(brief) == ORDER_BRIEF_KEYS | ORDER_BRIEF_EXTRAS
        assert brief["cooperative"] == {
            "tax_code": order.cooperative.tax_code,
            "name": order.cooperative.title,
        }
        assert (brief["total_vnd"], brief["status"], brief["payment_status"]) == (
            order.total_vnd,
            "placed",
            "unpaid",
        )
    payment = answer["payment"]
    assert set(payment) == {"method", "transfers"}
    assert payment["method"] == "vietqr"
    for transfer in payment["transfers"]:
        assert set(transfer) == TRANSFER_KEYS | {"account_name"}
        order = orders[transfer["order"]]
        assert (transfer["amount_vnd"], transfer["bank_bin"], transfer["account"]) == (
            order.total_vnd,
            mf.BANK["bank_bin"],
            mf.BANK["bank_account"],
        )
        qr = vietqr.parse(transfer["payload"])
        assert (qr["amount"], qr["account"], qr["purpose"]) == (
            order.total_vnd,
            mf.BANK["bank_account"],
            order.number,
        )


def test_checkout_cash_on_delivery_has_nothing_to_pay_now(shop, buyer):
    mf.cart(buyer, [(shop.honey, 1)])
    response = call(client_for(buyer), "post", "/checkout", {"payment_method": "cod", "shipping": shipping()})
    assert response.status_code == 201
    assert response.json()["payment"] == {"method": "cod"}


def test_checkout_out_of_stock_is_409_naming_the_lines_and_changes_nothing(shop, buyer):
    the_cart = mf.cart(buyer, [(shop.honey, 3), (shop.sauce, 5)])
    catalog_services.product_set_stock(product=shop.sauce, stock=2)

    response = call(
        client_for(buyer), "post", "/checkout", {"payment_method": "vietqr", "shipping": shipping()}
    )

    assert response.status_code == 409
    body = response.json()
    assert set(body) == {"detail", "lines"}
    assert body["lines"] == [{"sku": shop.sauce.sku, "name": shop.sauce.title, "wanted": 5, "available": 2}]
    assert not Purchase.objects.exists()
    assert (stock_of(shop.honey), stock_of(shop.sauce)) == (10, 2)
    assert CartLine.objects.filter(cart=the_cart).count() == 2


def test_checkout_needs_a_signed_in_verified_buyer(shop):
    anonymous = client_for()
    call(anonymous, "post", "/cart/lines", {"sku": shop.honey.sku, "quantity": 1})
    body = {"payment_method": "cod", "shipping": shipping()}
    assert call(anonymous, "post", "/checkout", body).status_code == 401

    unverified = factories.user(verified=False)
    mf.cart(unverified, [(shop.honey, 1)])
    assert call(client_for(unverified), "post", "/checkout", body).status_code == 403
    assert not Purchase.objects.exists()
    assert stock_of(shop.honey) == 10


def test_checkout_of_an_empty_cart_is_400(buyer):
    response = call(client_for(buyer), "post", "/checkout", {"payment_method": "cod", "shipping": shipping()})
    assert response.status_code == 400


def test_card_needs_a_card_processor_and_says_so(shop, buyer, settings):
    settings.STRIPE_SECRET_KEY = ""
    mf.cart(buyer, [(shop.honey, 1)])
    response = call(
        client_for(buyer), "post", "/checkout", {"payment_method": "card", "shipping": shipping()}
    )
    assert response.status_code == 400
    assert not Purchase.objects.exists()


# --- orders ------------------------------------------------------------------------------------

ORDER_KEYS = {"number", "cooperative", "status", "payment_status", "total_vnd", "lines", "events"}
ORDER_EXTRAS = {
    "payment_code",
    "payment_method",
    "subtotal_vnd",
    "shipping_vnd",
    "refunded_vnd",
    "shipping_method",
    "carrier",
    "tracking_number",
    "cancel_reason",
    "created_at",
    "shipping",
    "note",
    "transfer",
}


def placed_order(shop, buyer, *, method: str = "cod", lines=None) -> Order:
    purchase = mf.purchase(buyer, lines or [(shop.honey, 2)], method=method)
    return purchase.orders.get(cooperative=shop.first)


def test_a_buyer_lists_their_own_orders_newest_first_in_pages(shop, buyer):
    numbers = [placed_order(shop, buyer).number for _ in range(3)]
    placed_order(shop, factories.user())
    client = client_for(buyer)

    body = call(client, "get", "/orders").json()
    assert set(body) == {"total", "items", "limit", "offset"}
    assert body["total"] == 3
    assert [item["number"] for item in body["items"]] == numbers[::-1]
    assert set(body["items"][0]) == ORDER_BRIEF_KEYS | ORDER_BRIEF_EXTRAS
    page = call(client, "get", "/orders?limit=1&offset=1").json()
    assert (page["total"], [item["number"] for item in page["items"]]) == (3, [numbers[1]])
    assert call(client, "get", "/orders?limit=101").status_code == 400


def test_listing_orders_costs_the_same_queries_for_two_or_six(shop, buyer):
    client = client_for(buyer)
    for _ in range(2):
        placed_order(shop, buyer, lines=[(shop.honey, 1)])
    with CaptureQueriesContext(connection) as two:
        call(client, "get", "/orders")
    for _ in range(4):
        placed_order(shop, buyer, lines=[(shop.honey, 1)])
    with CaptureQueriesContext(connection) as six:
        assert len(call(client, "get", "/orders").json()["items"]) == 6
    assert len(six.captured_queries) == len(two.captured_queries)


def test_an_order_has_its_lines_and_one_event_per_move(shop, buyer):
    order = placed_order(shop, buyer)
    staff = shop.first_staff
    order_change_status(order=order, user=staff, change=StatusChange(to="confirmed"))
    order_change_status(
        order=order, user=staff, change=StatusChange(to="shipped", carrier="VNPost", tracking_number="EB1")
    )

    body = call(client_for(buyer), "get", f"/orders/{order.number}").json()

    assert set(body) == ORDER_KEYS | ORDER_EXTRAS
    assert body["cooperative"] == {"tax_code": shop.first.tax_code, "name": shop.first.title}
    assert (body["status"], body["payment_status"], body["total_vnd"]) == ("shipped", "unpaid", 430_000)
    assert body["lines"] == [
        {
            "sku": shop.honey.sku,
            "name": shop.honey.title,
            "unit": "kg",
            "quantity": 2,
            "unit_price_vnd": 200_000,
            "line_total_vnd": 400_000,
            "vat_rate": shop.honey.vat_rate,
        }
    ]
    assert [(e["kind"], e["actor"]) for e in body["events"]] == [
        ("status:placed", "buyer"),
        ("status:confirmed", "cooperative"),
        ("status:shipped", "cooperative"),
    ]
    assert all(set(event) == {"at", "kind", "actor"} for event in body["events"])
    assert (body["carrier"], body["tracking_number"]) == ("VNPost", "EB1")
    assert body["transfer"] is None
    assert body["shipping"]["province"]["code"] == "01"


def test_another_buyers_order_is_404(shop, buyer):
    order = placed_order(shop, buyer)
    response = call(client_for(factories.user()), "get", f"/orders/{order.number}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_a_buyer_cancels_before_confirmation_and_409_after(shop, buyer):
    client = client_for(buyer)
    order = placed_order(shop, buyer)
    assert stock_of(shop.honey) == 8

    response = call(client, "post", f"/orders/{order.number}/cancel", {"reason": "Đặt nhầm"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "Đặt nhầm")
    assert stock_of(shop.honey) == 10
    assert call(client, "post", f"/orders/{order.number}/cancel").status_code == 409

    confirmed = placed_order(shop, buyer)
    order_change_status(order=confirmed, user=shop.first_staff, change=StatusChange(to="confirmed"))
    response = call(client, "post", f"/orders/{confirmed.number}/cancel")
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"


# --- a cooperative's orders --------------------------------------------------------------------


def test_staff_list_only_their_cooperatives_orders_with_filters(shop, buyer):
    honey_order = placed_order(shop, buyer, lines=[(shop.honey, 1), (shop.sauce, 1)])
    sauce_order = honey_order.purchase.orders.get(cooperative=shop.second)
    both = factories.user()
    catalog_services.cooperative_add_staff(cooperative=shop.first, user=both)
    catalog_services.cooperative_add_staff(cooperative=shop.second, user=both)
    order_change_status(order=honey_order, user=shop.first_staff, change=StatusChange(to="confirmed"))

    first = call(client_for(shop.first_staff), "get", "/cooperative/orders").json()
    assert (first["total"], [o["number"] for o in first["items"]]) == (1, [honey_order.number])

    client = client_for(both)
    assert call(client, "get", "/cooperative/orders").json()["total"] == 2
    placed = call(client, "get", "/cooperative/orders?status=placed").json()
    assert [o["number"] for o in placed["items"]] == [sauce_order.number]
    one = call(client, "get", f"/cooperative/orders?cooperative={shop.first.tax_code}").json()
    assert [o["number"] for o in one["items"]] == [honey_order.number]
    response = call(
        client_for(shop.first_staff), "get", f"/cooperative/orders?cooperative={shop.second.tax_code}"
    )
    assert response.status_code == 404


def test_staff_confirm_ship_and_deliver_cash_on_delivery(shop, buyer):
    order = placed_order(shop, buyer)
    client = client_for(shop.first_staff)
    path = f"/cooperative/orders/{order.number}/status"

    assert call(client, "post", path, {"to": "shipped", "carrier": "GHN"}).status_code == 409  # not confirmed
    assert call(client, "post", path, {"to": "confirmed"}).json()["status"] == "confirmed"
    assert call(client, "post", path, {"to": "confirmed"}).status_code == 409  # already
    assert call(client, "post", path, {"to": "shipped"}).status_code == 400  # no carrier
    shipped = call(client, "post", path, {"to": "shipped", "carrier": "GHN", "tracking": "GHN123"}).json()
    assert (shipped["status"], shipped["carrier"], shipped["tracking_number"]) == ("shipped", "GHN", "GHN123")
    assert call(client, "post", path, {"to": "delivered"}).status_code == 400  # cash not confirmed
    delivered = call(client, "post", path, {"to": "delivered", "cash_collected": True}).json()
    assert (delivered["status"], delivered["payment_status"]) == ("delivered", "paid")
    kinds = [event["kind"] for event in delivered["events"]]
    assert kinds == [
        "status:placed",
        "status:confirmed",
        "status:shipped",
        "status:delivered",
        "payment:paid",
    ]


def test_staff_cancel_with_a_reason_and_stock_goes_back(shop, buyer):
    order = placed_order(shop, buyer)
    client = client_for(shop.first_staff)
    path = f"/cooperative/orders/{order.number}/status"
    assert call(client, "post", path, {"to": "cancelled"}).status_code == 400
    response = call(client, "post", path, {"to": "cancelled", "reason": "Hết hàng"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "Hết hàng")
    assert stock_of(shop.honey) == 10


def test_a_transfer_order_cannot_be_confirmed_before_it_is_paid(shop, buyer):
    order = placed_order(shop, buyer, method="vietqr")
    response = call(
        client_for(shop.first_staff),
        "post",
        f"/cooperative/orders/{order.number}/status",
        {"to": "confirmed"},
    )
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == "placed"


# --- who may call what -------------------------------------------------------------------------

PEOPLE = ["anonymous", "another buyer", "another cooperative's staff", "the other party", "the right person"]
BUYER_SIDE, COOPERATIVE_SIDE = "buyer", "cooperative"

# (route, side, method, path, body, answers for PEOPLE in order). "The other party" is the order's
# cooperative's staff on the buyer's routes and the order's buyer on the cooperative's routes.
MATRIX = [
    ("cart", BUYER_SIDE, "get", "/cart", NOTHING, [200, 200, 200, 200, 200]),
    ("change line", BUYER_SIDE, "patch", "/cart/lines/{line}", {"quantity": 2}, [404, 404, 404, 404, 200]),
    ("remove line", BUYER_SIDE, "delete", "/cart/lines/{line}", NOTHING, [404, 404, 404, 404, 200]),
    ("checkout", BUYER_SIDE, "post", "/checkout", "checkout", [401, 400, 400, 400, 201]),
    ("card again", BUYER_SIDE, "post", "/purchases/{code}/card", NOTHING, [401, 404, 404, 404, 400]),
    ("orders", BUYER_SIDE, "get", "/orders", NOTHING, [401, 200, 200, 200, 200]),
    ("order", BUYER_SIDE, "get", "/orders/{order}", NOTHING, [401, 404, 404, 404, 200]),
    ("cancel", BUYER_SIDE, "post", "/orders/{order}/cancel", {}, [401, 404, 404, 404, 200]),
    (
        "cooperative orders",
        COOPERATIVE_SIDE,
        "get",
        "/cooperative/orders",
        NOTHING,
        [401, 403, 200, 403, 200],
    ),
    (
        "cooperative order",
        COOPERATIVE_SIDE,
        "get",
        "/cooperative/orders/{order}",
        NOTHING,
        [401, 404, 404, 404, 200],
    ),
    (
        "move order",
        COOPERATIVE_SIDE,
        "post",
        "/cooperative/orders/{order}/status",
        {"to": "confirmed"},
        [401, 404, 404, 404, 200],
    ),
]


@pytest.mark.parametrize(
    ("route", "side", "method", "path", "body", "person", "status"),
    [
        pytest.param(route, side, method, path, body, person, status, id=f"{route}-{person}")
        for route, side, method, path, body, answers in MATRIX
        for person, status in zip(PEOPLE, answers, strict=True)
    ],
)
def test_permission_matrix(shop, buyer, route, side, method, path, body, person, status):
    order = placed_order(shop, buyer)
    line = mf.cart(buyer, [(shop.honey, 1)]).lines.get()
    # Only the first cooperative's order exists: the second's staff are "another cooperative's staff".
    who = {
        "anonymous": None,
        "another buyer": factories.user(),
        "another cooperative's staff": shop.second_staff,
        "the other party": shop.first_staff if side == BUYER_SIDE else buyer,
        "the right person": buyer if side == BUYER_SIDE else shop.first_staff,
    }[person]
    if body == "checkout":
        body = {"payment_method": "cod", "shipping": shipping()}
    url = path.format(line=line.pk, order=order.number, code=order.purchase.payment_code)

    response = call(client_for(who), method, url, body)

    assert response.status_code == status, response.content
    if status >= 400:
        assert isinstance(response.json()["detail"], str)
    if status == 200 and method == "get":
        # Lists and carts answer everyone, but show only the caller's own.
        secret = shop.honey.sku if route == "cart" else order.number
        assert (secret in response.text) == (person == "the right person")
    order.refresh_from_db()
    line_left = CartLine.objects.filter(pk=line.pk).first()
    if person != "the right person":
        assert (order.status, Purchase.objects.count()) == ("placed", 1)
        assert line_left is not None
        assert line_left.quantity == 1


# --- CSRF --------------------------------------------------------------------------------------

CSRF_CASES = [
    ("add line (anonymous)", None, "post", "/cart/lines", "add"),
    ("add line", BUYER_SIDE, "post", "/cart/lines", "add"),
    ("change line", BUYER_SIDE, "patch", "/cart/lines/{line}", {"quantity": 3}),
    ("remove line", BUYER_SIDE, "delete", "/cart/lines/{line}", NOTHING),
    ("checkout", BUYER_SIDE, "post", "/checkout", "checkout"),
    ("cancel", BUYER_SIDE, "post", "/orders/{order}/cancel", {}),
    ("card again", BUYER_SIDE, "post", "/purchases/{code}/card", NOTHING),
    ("move order", COOPERATIVE_SIDE, "post", "/cooperative/orders/{order}/status", {"to": "confirmed"}),
]


@pytest.mark.parametrize(
    ("case", "side", "method", "path", "body"), CSRF_CASES, ids=[c[0] for c in CSRF_CASES]
)
def test_session_writes_need_the_csrf_token(shop, buyer, case, side, method, path, body):
    order = placed_order(shop, buyer)
    line = mf.cart(buyer, [(shop.honey, 1)]).lines.get()
    who = {None: None, BUYER_SIDE: buyer, COOPERATIVE_SIDE: shop.first_staff}[side]
    if body == "add":
        body = {"sku": shop.sauce.sku, "quantity": 1}
    elif body == "checkout":
        body = {"payment_method": "cod", "shipping": shipping()}
    url = path.format(line=line.pk, order=order.number, code=order.purchase.payment_code)
    client = client_for(who, csrf=True)

    refused = call(client, method, url, body)
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail"}
    order.refresh_from_db()
    assert order.status == "placed"
    assert Purchase.objects.count() == 1
    assert list(CartLine.objects.values_list("pk", "quantity")) == [(line.pk, 1)]

    client.cookies["csrftoken"] = CSRF_TOKEN
    accepted = call(client, method, url, body, HTTP_X_CSRFTOKEN=CSRF_TOKEN)
    assert accepted.status_code != 403, accepted.content
    assert accepted.status_code < 500


# --- hostile input -----------------------------------------------------------------------------

BIG = 10**30
HOSTILE_BUYER = [
    ("post", "/cart/lines", "{not json", 400),
    ("post", "/cart/lines", "[1, 2]", 400),
    ("post", "/cart/lines", "null", 400),
    ("post", "/cart/lines", {"sku": "{sku}", "quantity": BIG}, 400),
    ("post", "/cart/lines", {"sku": "{sku}", "quantity": -1}, 400),
    ("post", "/cart/lines", {"sku": "{sku}", "quantity": 0}, 400),
    ("post", "/cart/lines", {"sku": "{sku}", "quantity": "3"}, 400),
    ("post", "/cart/lines", {"sku": "{sku}", "quantity": 2.5}, 400),
    ("post", "/cart/lines", {"sku": "{sku}", "quantity": True}, 400),
    ("post", "/cart/lines", {"sku": "{sku}", "quantity": None}, 400),
    ("post", "/cart/lines", {"sku": "{sku}"}, 400),
    ("post", "/cart/lines", {"sku": 12, "quantity": 1}, 400),
    ("post", "/cart/lines", {"sku": "S" * 10_000, "quantity": 1}, 400),
    ("post", "/cart/lines", {"sku": "SKU\x00-1", "quantity": 1}, 400),
    ("post", "/cart/lines", {"sku": "'; DROP TABLE x; --", "quantity": 1}, 404),
    ("post", "/cart/lines", {"sku": "{sku}", "cooperative": "0" * 1000, "quantity": 1}, 400),
    ("post", "/cart/lines", {"sku": "{sku}", "cooperative": "not-a-tax-code", "quantity": 1}, 404),
    ("patch", "/cart/lines/{line}", {"quantity": BIG}, 400),
    ("patch", "/cart/lines/{line}", {"quantity": "many"}, 400),
    ("patch", "/cart/lines/{line}", "", 400),
    ("patch", "/cart/lines/0", {"quantity": 1}, 400),
    ("patch", "/cart/lines/-1", {"quantity": 1}, 400),
    ("patch", "/cart/lines/abc", {"quantity": 1}, 400),
    ("patch", "/cart/lines/9223372036854775808", {"quantity": 1}, 400),
    ("patch", f"/cart/lines/{BIG}", {"quantity": 1}, 400),
    ("patch", "/cart/lines/9223372036854775807", {"quantity": 1}, 404),
    ("delete", f"/cart/lines/{BIG}", NOTHING, 400),
    ("delete", "/cart/lines/1.5", NOTHING, 400),
    ("post", "/checkout", "{", 400),
    ("post", "/checkout", {}, 400),
    ("post", "/checkout", {"payment_method": "bitcoin", "shipping": "{shipping}"}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": "12 Hàng Bạc"}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": {"name": "x"}}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": "{shipping}", "note": "n" * 5000}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": "{shipping}", "note": 5}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": {"name": "A" * 500}}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": "{shipping:name=Lan\x00}"}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": "{shipping:province=\x00\x00}"}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": "{shipping:province=99}"}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": "{shipping:ward=99999}"}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": "{shipping:phone=not a phone}"}, 400),
    ("post", "/checkout", {"payment_method": "cod", "shipping": "{shipping:address=   }"}, 400),
    ("get", "/orders?limit=0", NOTHING, 400),
    ("get", "/orders?limit=100000", NOTHING, 400),
    ("get", "/orders?limit=abc", NOTHING, 400),
    ("get", "/orders?offset=-1", NOTHING, 400),
    ("get", f"/orders?offset={BIG}", NOTHING, 400),
    ("get", "/orders/" + "H" * 5000, NOTHING, 400),
    ("get", "/orders/HTX%00", NOTHING, 404),
    ("get", "/orders/HTX00000000-1", NOTHING, 404),
    ("post", "/orders/HTX00000000-1/cancel", {}, 404),
    ("post", "/orders/{order}/cancel", {"reason": "r" * 5000}, 400),
    ("post", "/orders/{order}/cancel", "{", 400),
    ("post", "/orders/{order}/cancel", {"reason": ["a"]}, 400),
    ("post", "/purchases/" + "X" * 100 + "/card", NOTHING, 400),
    ("post", "/purchases/HTX00000000/card", NOTHING, 404),
    ("post", "/purchases/HTX%00/card", NOTHING, 404),
]
HOSTILE_STAFF = [
    ("get", "/cooperative/orders?status=lost", NOTHING, 400),
    ("get", "/cooperative/orders?cooperative=" + "1" * 50, NOTHING, 400),
    ("get", "/cooperative/orders?cooperative=abc", NOTHING, 404),
    ("get", "/cooperative/orders?limit=-5", NOTHING, 400),
    ("get", "/cooperative/orders/HTX00000000-1", NOTHING, 404),
    ("post", "/cooperative/orders/{order}/status", "{", 400),
    ("post", "/cooperative/orders/{order}/status", {}, 400),
    ("post", "/cooperative/orders/{order}/status", {"to": "placed"}, 400),
    ("post", "/cooperative/orders/{order}/status", {"to": 3}, 400),
    ("post", "/cooperative/orders/{order}/status", {"to": "shipped", "carrier": "c" * 1000}, 400),
    ("post", "/cooperative/orders/{order}/status", {"to": "shipped", "tracking": ["x"]}, 400),
    ("post", "/cooperative/orders/{order}/status", {"to": "cancelled", "reason": "r" * 5000}, 400),
    ("post", "/cooperative/orders/{order}/status", {"to": "delivered", "cash_collected": "yes"}, 400),
    ("post", "/cooperative/orders/{order}/status", {"to": "confirmed", "carrier": "\x00"}, 400),
    ("post", "/cooperative/orders/HTX00000000-1/status", {"to": "confirmed"}, 404),
]


def _fill(value, *, shop, order, line):
    """Put the scenario's real SKU, ids and address into a hostile case."""
    if isinstance(value, dict):
        return {key: _fill(item, shop=shop, order=order, line=line) for key, item in value.items()}
    if not isinstance(value, str):
        return value
    if value.startswith("{shipping"):
        fields = dict(
            part.split("=", 1) for part in value[len("{shipping") : -1].lstrip(":").split(",") if part
        )
        return shipping(**fields)
    return (
        value.replace("{sku}", shop.honey.sku)
        .replace("{line}", str(line.pk))
        .replace("{order}", order.number)
    )


@pytest.mark.parametrize(
    ("side", "method", "path", "body", "status"),
    [(BUYER_SIDE, *case) for case in HOSTILE_BUYER] + [(COOPERATIVE_SIDE, *case) for case in HOSTILE_STAFF],
)
def test_hostile_input_is_a_4xx_with_a_detail_and_changes_nothing(
    shop, buyer, side, method, path, body, status
):
    order = placed_order(shop, buyer)
    line = mf.cart(buyer, [(shop.honey, 1)]).lines.get()
    client = client_for(buyer if side == BUYER_SIDE else shop.first_staff)
    url = _fill(path, shop=shop, order=order, line=line)
    if not isinstance(body, str):  # raw strings are sent as they are
        body = _fill(body, shop=shop, order=order, line=line)

    response = call(client, method, url, body)

    assert response.status_code == status, response.content
    assert isinstance(response.json()["detail"], str)
    order.refresh_from_db()
    assert (order.status, Purchase.objects.count()) == ("placed", 1)
    assert list(CartLine.objects.values_list("pk", "quantity")) == [(line.pk, 1)]


# --- the OpenAPI document ----------------------------------------------------------------------

DOCUMENTED = {
    ("get", "/api/v1/cart"): {"200", "400", "403", "404"},
    ("post", "/api/v1/cart/lines"): {"201", "400", "403", "404"},
    ("patch", "/api/v1/cart/lines/{line_id}"): {"200", "400", "403", "404"},
    ("delete", "/api/v1/cart/lines/{line_id}"): {"200", "400", "403", "404"},
    ("post", "/api/v1/checkout"): {"201", "400", "401", "403", "404", "409"},
    ("post", "/api/v1/purchases/{payment_code}/card"): {"200", "400", "401", "403", "404", "409", "503"},
    ("get", "/api/v1/orders"): {"200", "400", "401", "403", "404"},
    ("get", "/api/v1/orders/{number}"): {"200", "400", "401", "403", "404"},
    ("post", "/api/v1/orders/{number}/cancel"): {"200", "400", "401", "403", "404", "409"},
    ("get", "/api/v1/cooperative/orders"): {"200", "400", "401", "403", "404"},
    ("get", "/api/v1/cooperative/orders/{number}"): {"200", "400", "401", "403", "404"},
    ("post", "/api/v1/cooperative/orders/{number}/status"): {"200", "400", "401", "403", "404", "409"},
}


def test_the_openapi_document_lists_every_route_with_its_answers(client):
    document = client.get("/api/v1/openapi.json").json()
    for (method, path), codes in DOCUMENTED.items():
        operation = document["paths"][path][method]
        assert set(operation["responses"]) == codes, (method, path)
        assert operation["security"], (method, path)
    checkout = document["paths"]["/api/v1/checkout"]["post"]
    conflict = checkout["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert conflict.endswith("/OutOfStockOut")


# --- card payment (needs localstripe, from the `stripe` branch's fixtures) ---------------------


@pytest.fixture
def card(request):
    """The STRIPE_* settings pointed at localstripe, or a skip saying why there is none."""
    try:
        return request.getfixturevalue("card_settings")
    except pytest.FixtureLookupError:
        pytest.skip(
            "No `card_settings`/`localstripe` fixture in tests/marketplace/conftest.py (the stripe branch adds it)."
        )


def test_card_checkout_answers_with_a_payment_intent_and_asking_again_gives_the_same(shop, buyer, card):
    mf.cart(buyer, [(shop.honey, 1), (shop.sauce, 1)])
    client = client_for(buyer)

    response = call(client, "post", "/checkout", {"payment_method": "card", "shipping": shipping()})

    assert response.status_code == 201, response.content
    answer = response.json()
    payment = answer["payment"]
    assert set(payment) == {"method", "client_secret", "payment_intent", "publishable_key"}
    assert payment["method"] == "card"
    assert payment["client_secret"].startswith(payment["payment_intent"])
    assert {order["payment_status"] for order in answer["orders"]} == {"pending"}
    assert Purchase.objects.get().payment_intent == payment["payment_intent"]

    again = call(client, "post", f"/purchases/{answer['payment_code']}/card")
    assert again.status_code == 200
    assert again.json()["payment"]["payment_intent"] == payment["payment_intent"]
    assert again.json()["payment"]["client_secret"] == payment["client_secret"]


def test_card_processor_down_keeps_the_purchase_and_the_client_asks_again(shop, buyer, card):
    live_base = card.STRIPE_API_BASE
    card.STRIPE_API_BASE = "http://127.0.0.1:9"  # the discard port: nothing listens
    mf.cart(buyer, [(shop.honey, 1)])
    client = client_for(buyer)

    response = call(client, "post", "/checkout", {"payment_method": "card", "shipping": shipping()})

    assert response.status_code == 201, response.content
    answer = response.json()
    assert set(answer["payment"]) == {"method", "error"}
    assert Purchase.objects.get().payment_intent == ""
    assert stock_of(shop.honey) == 9
    path = f"/purchases/{answer['payment_code']}/card"
    assert call(client, "post", path).status_code == 503

    card.STRIPE_API_BASE = live_base
    again = call(client, "post", path)
    assert again.status_code == 200
    assert again.json()["payment"]["client_secret"]


def test_asking_for_card_payment_of_a_cancelled_purchase_is_409(shop, buyer, card):
    mf.cart(buyer, [(shop.honey, 1)])
    client = client_for(buyer)
    answer = call(client, "post", "/checkout", {"payment_method": "card", "shipping": shipping()}).json()
    number = answer["orders"][0]["number"]
    assert call(client, "post", f"/orders/{number}/cancel").status_code == 200
    assert call(client, "post", f"/purchases/{answer['payment_code']}/card").status_code == 409
    assert OrderEvent.objects.filter(order__number=number, kind="status:cancelled").count() == 1
