"""My orders, an order's page with its timeline, the VietQR payment page, cancelling and receiving."""

import datetime

import pytest

from catalog.models import ProductInventory
from marketplace.models import CartLine, Order, OrderEvent
from marketplace.services.orders import StatusChange, order_change_status
from tests import factories
from tests.factories import marketplace as mf
from tests.helpers import count_queries
from tests.marketplace.pages.helpers import url

pytestmark = pytest.mark.django_db


def delivered_cod_order(buyer, shop) -> Order:
    order = mf.purchase(buyer, [(shop.honey, 1)], method="cod").orders.get()
    for change in (
        StatusChange(to="confirmed"),
        StatusChange(to="shipped", carrier="Viettel Post", tracking_number="VTP123456"),
        StatusChange(to="delivered", cash_collected=True),
    ):
        order = order_change_status(order=order, user=shop.staff, change=change)
    return order


@pytest.mark.parametrize("language", ["vi", "en"])
def test_my_orders_renders_in_both_languages(buyer_client, buyer, shop, language):
    purchase = mf.purchase(buyer, [(shop.honey, 1), (shop.sauce, 1)])
    response = buyer_client.get(url("orders", language=language))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    for order in purchase.orders.all():
        assert url("order", order.number, language=language) in html
    assert "status-badge--placed" in html
    assert "payment-badge--unpaid" in html


def test_my_orders_is_empty_for_a_new_buyer(buyer_client):
    html = buyer_client.get(url("orders")).content.decode()
    assert "empty-state" in html
    assert "/san-pham/" in html


def test_my_orders_shows_only_my_orders_newest_first(buyer_client, buyer, shop):
    older = mf.purchase(buyer, [(shop.honey, 1)]).orders.get()
    newer = mf.purchase(buyer, [(shop.sauce, 1)]).orders.get()
    someone_elses = mf.purchase(factories.user(), [(shop.honey, 1)]).orders.get()
    html = buyer_client.get(url("orders")).content.decode()
    assert html.index(newer.number) < html.index(older.number)
    assert someone_elses.number not in html


def test_my_orders_has_20_a_page(buyer_client, buyer, shop):
    plenty = factories.product(cooperative=shop.first, price_vnd=20_000)  # stock not tracked
    for _ in range(21):
        mf.purchase(buyer, [(plenty, 1)], method="cod")
    first = buyer_client.get(url("orders")).content.decode()
    second = buyer_client.get(url("orders") + "?page=2").content.decode()
    assert first.count('class="order-card"') == 20
    assert second.count('class="order-card"') == 1
    assert 'rel="next"' in first
    assert buyer_client.get(url("orders") + "?page=abc").status_code == 200


@pytest.mark.parametrize("language", ["vi", "en"])
def test_order_page_renders_in_both_languages(buyer_client, buyer, shop, language):
    order = mf.purchase(buyer, [(shop.honey, 2)]).orders.get()
    response = buyer_client.get(url("order", order.number, language=language))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert order.number in html
    assert shop.first.title in html
    assert "timeline__entry--statusplaced" in html
    # Unpaid by transfer: the VietQR block is on the order page too.
    assert "<svg" in html
    assert f'data-copy="{order.number}"' in html


def test_order_page_shows_carrier_tracking_and_the_timeline(buyer_client, buyer, shop):
    order = delivered_cod_order(buyer, shop)
    html = buyer_client.get(url("order", order.number)).content.decode()
    assert "Viettel Post" in html
    assert "VTP123456" in html
    for kind in ("statusplaced", "statusconfirmed", "statusshipped", "statusdelivered", "paymentpaid"):
        assert f"timeline__entry--{kind}" in html
    assert url("order_received", order.number) in html
    assert url("order_cancel", order.number) not in html
    assert "<svg" not in html


def test_buyer_cancels_a_placed_order_after_confirming(buyer_client, buyer, shop):
    order = mf.purchase(buyer, [(shop.honey, 3)]).orders.get()
    assert buyer_client.get(url("order_cancel", order.number)).status_code == 200
    # Without the explicit "yes", nothing happens.
    response = buyer_client.post(url("order_cancel", order.number), {})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == "placed"

    response = buyer_client.post(url("order_cancel", order.number), {"confirm": "yes"})
    assert response.status_code == 302
    assert response.url == url("order", order.number)
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert ProductInventory.objects.get(product=shop.honey).stock == 10
    assert order.events.filter(kind="status:cancelled", actor="buyer", user=buyer).count() == 1


def test_a_confirmed_order_can_no_longer_be_cancelled_by_the_buyer(buyer_client, buyer, shop):
    order = mf.purchase(buyer, [(shop.honey, 1)], method="cod").orders.get()
    order_change_status(order=order, user=shop.staff, change=StatusChange(to="confirmed"))
    response = buyer_client.post(url("order_cancel", order.number), {"confirm": "yes"})
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == "confirmed"


def test_buyer_marks_a_delivered_order_received(buyer_client, buyer, shop):
    order = delivered_cod_order(buyer, shop)
    response = buyer_client.post(url("order_received", order.number))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "completed"
    assert order.events.filter(kind="status:completed", actor="buyer").count() == 1


def test_received_before_delivery_is_refused_and_changes_nothing(buyer_client, buyer, shop):
    order = mf.purchase(buyer, [(shop.honey, 1)]).orders.get()
    events = order.events.count()
    response = buyer_client.post(url("order_received", order.number))
    assert response.status_code == 409
    assert "form-errors" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "placed"
    assert order.events.count() == events


def test_pay_page_of_a_cash_order_goes_to_the_order(buyer_client, buyer, shop):
    order = mf.purchase(buyer, [(shop.honey, 1)], method="cod").orders.get()
    response = buyer_client.get(url("pay", order.number))
    assert response.status_code == 302
    assert response.url == url("order", order.number)


def test_pay_page_shows_no_code_for_a_paid_or_cancelled_order(buyer_client, buyer, shop):
    purchase = mf.purchase(buyer, [(shop.honey, 1), (shop.sauce, 1)])
    first, second = purchase.orders.order_by("id")
    order_change_status(order=first, user=buyer, change=StatusChange(to="cancelled"))
    html = buyer_client.get(url("pay", second.number)).content.decode()
    assert html.count("<svg") == 1
    assert f'data-copy="{second.number}"' in html
    assert f'data-copy="{first.number}"' not in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_pay_page_renders_in_both_languages(buyer_client, buyer, shop, language):
    order = mf.purchase(buyer, [(shop.honey, 1)]).orders.get()
    response = buyer_client.get(url("pay", order.number, language=language))
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


# --- queries -------------------------------------------------------------------------------------------


def test_my_orders_costs_the_same_queries_for_2_or_20_orders(buyer_client, buyer, shop):
    plenty = factories.product(cooperative=shop.second, price_vnd=20_000)  # stock not tracked
    for _ in range(2):
        mf.purchase(buyer, [(shop.honey, 1)], method="cod")
    buyer_client.get(url("orders"))
    two = count_queries(buyer_client, url("orders"))
    for _ in range(18):
        mf.purchase(buyer, [(plenty, 1)], method="cod")
    assert count_queries(buyer_client, url("orders")) == two
    assert two <= 10


def test_order_page_costs_the_same_queries_for_2_or_20_lines(buyer_client, buyer, shop):
    products = [factories.product(cooperative=shop.first, price_vnd=10_000 + n, stock=50) for n in range(20)]
    small = mf.purchase(buyer, [(p, 1) for p in products[:2]], method="cod").orders.get()
    large = mf.purchase(buyer, [(p, 1) for p in products], method="cod").orders.get()
    for order in (small, large):
        order_change_status(order=order, user=shop.staff, change=StatusChange(to="confirmed"))
    buyer_client.get(url("order", small.number))
    assert large.lines.count() == 20
    assert count_queries(buyer_client, url("order", small.number)) == count_queries(
        buyer_client, url("order", large.number)
    )


def test_order_page_query_budget(buyer_client, buyer, shop, django_assert_max_num_queries):
    order = delivered_cod_order(buyer, shop)
    buyer_client.get(url("order", order.number))
    with django_assert_max_num_queries(10):
        buyer_client.get(url("order", order.number))


# --- who may see and do what --------------------------------------------------------------------------


@pytest.fixture
def placed(buyer, shop):
    return mf.purchase(buyer, [(shop.honey, 1)]).orders.get()


def snapshot(order):
    order.refresh_from_db()
    return (order.status, order.payment_status, OrderEvent.objects.filter(order=order).count())


ORDER_REQUESTS = [
    ("get", "order", {}),
    ("get", "pay", {}),
    ("get", "card_return", {}),
    ("get", "order_cancel", {}),
    ("post", "order_cancel", {"confirm": "yes"}),
    ("post", "order_received", {}),
]


@pytest.mark.parametrize(("method", "name", "data"), ORDER_REQUESTS)
@pytest.mark.parametrize("who", ["another_buyer", "cooperative_staff"])
def test_others_get_a_404_for_the_buyers_order(client, shop, placed, method, name, data, who):
    other = factories.user() if who == "another_buyer" else shop.staff
    client.force_login(other)
    before = snapshot(placed)
    response = getattr(client, method)(url(name, placed.number), data)
    assert response.status_code == 404
    assert snapshot(placed) == before


@pytest.mark.parametrize(("method", "name", "data"), ORDER_REQUESTS)
def test_anonymous_visitors_are_sent_to_log_in(client, placed, method, name, data):
    before = snapshot(placed)
    response = getattr(client, method)(url(name, placed.number), data)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert snapshot(placed) == before


@pytest.mark.parametrize("who", ["another_buyer", "cooperative_staff", "anonymous"])
def test_others_cannot_touch_the_buyers_cart(client, shop, buyer, who):
    cart = mf.cart(buyer, [(shop.honey, 2)])
    line = CartLine.objects.get(cart=cart)
    if who != "anonymous":
        client.force_login(factories.user() if who == "another_buyer" else shop.staff)
    assert client.post(url("cart_line", line.pk), {"action": "remove"}).status_code == 404
    assert client.post(url("cart_line", line.pk), {"action": "update", "quantity": 7}).status_code == 404
    assert client.post(url("cart_accept_prices"), {f"price-{line.pk}": "1"}).status_code == 404
    line.refresh_from_db()
    assert (line.quantity, line.seen_unit_price_vnd) == (2, 200_000)
    # Their checkout is of their own (empty) cart: nothing of the buyer's is ordered.
    response = client.post(url("checkout"), {})
    assert response.status_code in (302, 400)
    if who == "anonymous":
        assert "/accounts/login/" in response.url
    assert CartLine.objects.filter(cart=cart).count() == 1
    assert not Order.objects.exists()


@pytest.mark.parametrize("name", ["orders", "checkout"])
def test_buyer_only_pages_send_anonymous_visitors_to_log_in(client, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("number", ["X" * 500, "HTX0000000-9", "../../etc", "%00", "HTX%00-1", "HTX\u00e9-1"])
def test_unknown_or_odd_order_numbers_are_404(buyer_client, number):
    assert buyer_client.get(f"/don-hang/{number}/").status_code == 404
    assert buyer_client.post(f"/don-hang/{number}/huy/", {"confirm": "yes"}).status_code == 404


def test_timeline_times_are_in_viet_nam_time(buyer_client, buyer, shop):
    order = mf.purchase(buyer, [(shop.honey, 1)]).orders.get()
    # Pin the event's clock: 17:30 UTC on 1 January is 00:30 on 2 January in Hà Nội.
    at = datetime.datetime(2026, 1, 1, 17, 30, tzinfo=datetime.UTC)
    OrderEvent.objects.filter(order=order).update(at=at)
    html = buyer_client.get(url("order", order.number)).content.decode()
    assert '<time datetime="2026-01-02T00:30:00+07:00">00:30 02/01/2026</time>' in html
    html = buyer_client.get(url("order", order.number, language="en")).content.decode()
    assert "2 Jan 2026, 00:30" in html
