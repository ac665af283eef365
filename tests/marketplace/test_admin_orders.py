"""The cooperative staff's order and terms-of-sale screens in the Wagtail admin.

Two cooperatives, A in Hà Nội and B in Hải Phòng, each with its own staff and its own provincial
alliance, and one buyer with orders from B in every state an action starts from. The cross-tenant
matrix sends every URL and every POST action on B's orders and terms as A's staff, as the
orders' own buyer, as Hà Nội's alliance staff and anonymously: each is refused and nothing
changes. The same requests by B's own staff are the positive controls.

The card processor is outside the machine: card checkouts and refunds here use a small fake
gateway (marketplace/payments/card.py is the boundary).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from unittest import mock
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import CooperativeTerms
from marketplace.ledger.models import LedgerTransaction
from marketplace.models import Order, OrderEvent, Refund
from marketplace.payments import vietqr
from marketplace.payments.card import CardGatewayError
from marketplace.services.orders import StatusChange, order_change_status
from marketplace.services.payments import order_mark_paid, order_refund, purchase_card_paid
from tests import factories
from tests.factories import marketplace as mf

S, P = Order.Status, Order.PaymentStatus
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class FakeGateway:
    """Stands in for the card processor: takes intents, and refunds unless told to fail."""

    def __init__(self, fail: bool = False):
        self.fail = fail
        self.refunds: list[dict] = []

    def refund(self, *, intent_id, amount_vnd, idempotency_key):
        self.refunds.append({"amount_vnd": amount_vnd, "idempotency_key": idempotency_key})
        if self.fail:
            raise CardGatewayError("card_declined")
        return SimpleNamespace(id=f"re_{idempotency_key}")


@contextmanager
def card_gateway(gateway):
    with (
        mock.patch("marketplace.services.checkout.card_gateway", return_value=gateway),
        mock.patch("marketplace.services.payments.card_gateway", return_value=gateway),
    ):
        yield gateway


def _place(buyer, product, method="vietqr", quantity=1, **shipping):
    if method == "card":
        with card_gateway(FakeGateway()):
            return mf.purchase(buyer, [(product, quantity)], method=method, **shipping).orders.get()
    return mf.purchase(buyer, [(product, quantity)], method=method, **shipping).orders.get()


def _side(key, province, buyer):
    staff = factories.user(email=f"staff-{key}@htx.example.org")
    cooperative = factories.cooperative(name=f"HTX {key.upper()}", province=province, staff=[staff])
    mf.terms(cooperative, shipping="flat", shipping_fee_vnd=20_000)
    product = factories.product(
        cooperative=cooperative, name=f"Mật ong {key.upper()}", price_vnd=100_000, stock=500
    )
    side = SimpleNamespace(key=key, staff=staff, cooperative=cooperative, product=product)
    side.placed = _place(buyer, product, "cod")
    side.unpaid = _place(buyer, product, "vietqr")
    side.confirmed = _place(buyer, product, "cod")
    order_change_status(order=side.confirmed, user=staff, change=StatusChange(to=S.CONFIRMED))
    side.shipped = _place(buyer, product, "cod")
    order_change_status(order=side.shipped, user=staff, change=StatusChange(to=S.CONFIRMED))
    order_change_status(order=side.shipped, user=staff, change=StatusChange(to=S.SHIPPED, carrier="GHN"))
    side.paid = _place(buyer, product, "vietqr", quantity=3)
    order_mark_paid(order=side.paid, actor="bank", reference="FT0001")
    side.asked = _place(buyer, product, "vietqr")
    order_mark_paid(order=side.asked, actor="bank", reference="FT0002")
    side.asked_refund = order_refund(order=side.asked, amount_vnd=50_000, actor="cooperative", user=staff)
    side.card = _place(buyer, product, "card")
    purchase_card_paid(purchase=side.card.purchase, amount_vnd=side.card.purchase.total_vnd, currency="vnd")
    # Refunded inside the fixture's transaction, the card refund is never sent: it stays requested.
    side.card_refund = order_refund(order=side.card, amount_vnd=30_000, actor="cooperative", user=staff)
    for name in ("placed", "unpaid", "confirmed", "shipped", "paid", "asked", "card"):
        getattr(side, name).refresh_from_db()
    return side


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at the end; each test runs in
    its own savepoint on top (like TestCase.setUpTestData)."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHER), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            translation.activate("vi")
            buyer = factories.user(email="nguoimua@example.org")
            hn_staff = factories.user(email="staff@lienminh-hanoi.example.org")
            hp_staff = factories.user(email="staff@lienminh-haiphong.example.org")
            factories.alliance(name="Liên minh HTX Hà Nội", provinces=["01"], staff=[hn_staff])
            factories.alliance(name="Liên minh HTX Hải Phòng", provinces=["31"], staff=[hp_staff])
            a = _side("a", "01", buyer)
            b = _side("b", "31", buyer)
            yield SimpleNamespace(
                a=a,
                b=b,
                buyer=buyer,
                hn_staff=hn_staff,
                hp_staff=hp_staff,
                admin=factories.superuser(email="root@example.org"),
            )
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _fresh(world, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    for side in (world.a, world.b):
        for name in ("placed", "unpaid", "confirmed", "shipped", "paid", "asked", "card"):
            getattr(side, name).refresh_from_db()


def snapshot():
    """Everything a refused request must leave exactly as it was."""
    return {
        "orders": list(
            Order.objects.order_by("pk").values_list(
                "pk",
                "status",
                "payment_status",
                "refunded_vnd",
                "carrier",
                "tracking_number",
                "cancel_reason",
            )
        ),
        "events": list(OrderEvent.objects.order_by("pk").values_list("pk", "kind")),
        "refunds": list(Refund.objects.order_by("pk").values_list("pk", "status", "reference", "amount_vnd")),
        "terms": list(
            CooperativeTerms.objects.order_by("pk").values_list(
                "pk",
                "bank_bin",
                "bank_account",
                "bank_account_name",
                "shipping",
                "shipping_fee_vnd",
                "free_shipping_from_vnd",
                "cash_on_delivery",
            )
        ),
        "ledger": LedgerTransaction.objects.count(),
    }


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def assert_refused(response):
    """403, 404, the log-in page (anonymous, no admin access) or Wagtail's "no permission" redirect."""
    if response.status_code in (403, 404):
        return
    assert response.status_code == 302, f"expected a refusal, got {response.status_code}"
    location = response["Location"]
    if location == reverse("wagtailadmin_home"):
        with translation.override("vi"):
            expected = translation.gettext("Sorry, you do not have permission to access this area.")
        assert expected in messages_of(response)
        return
    assert "login" in location or "dang-nhap" in location, location


def order_url(order, action=None):
    if action is None:
        return reverse("marketplace_order", args=[order.number])
    return reverse("marketplace_order_action", args=[order.number, action])


def refund_url(refund, action):
    return reverse("marketplace_order_refund", args=[refund.order.number, refund.pk, action])


# --- the matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: object  # (side) -> str
    data: object = None  # (side) -> dict
    check: object = None  # (side, response) -> None: what B's own staff achieve

    def __str__(self):
        return f"{self.name}-{self.method}"


def _status_is(attr, status, payment=None):
    def check(side, response):
        order = Order.objects.get(pk=getattr(side, attr).pk)
        assert order.status == status
        if payment:
            assert order.payment_status == payment

    return check


def _page_shows(text_of):
    def check(side, response):
        assert response.status_code == 200
        assert text_of(side) in response.content.decode()

    return check


def _refund_is(refund, status):
    assert Refund.objects.get(pk=refund.pk).status == status


def _account_is(cooperative, account):
    assert CooperativeTerms.objects.get(cooperative=cooperative).bank_account == account


CASES = [
    Case(
        "order page",
        "get",
        lambda s: order_url(s.placed),
        check=_page_shows(lambda s: s.placed.purchase.shipping_address),
    ),
    Case(
        "order page of a paid order",
        "get",
        lambda s: order_url(s.paid),
        check=_page_shows(lambda s: s.paid.bank_account),
    ),
    Case(
        "confirm", "post", lambda s: order_url(s.placed, "confirm"), check=_status_is("placed", S.CONFIRMED)
    ),
    Case(
        "ship",
        "post",
        lambda s: order_url(s.confirmed, "ship"),
        data=lambda s: {"ship-carrier": "Viettel Post", "ship-tracking_number": "VT123"},
        check=_status_is("confirmed", S.SHIPPED),
    ),
    Case(
        "deliver",
        "post",
        lambda s: order_url(s.shipped, "deliver"),
        data=lambda s: {"deliver-cash_collected": "on"},
        check=_status_is("shipped", S.DELIVERED, P.PAID),
    ),
    Case(
        "cancel",
        "post",
        lambda s: order_url(s.placed, "cancel"),
        data=lambda s: {"cancel-reason": "Hết hàng"},
        check=_status_is("placed", S.CANCELLED),
    ),
    Case(
        "refund",
        "post",
        lambda s: order_url(s.paid, "refund"),
        data=lambda s: {
            "refund-amount_vnd": "100.000",
            "refund-reference": "FT-HOAN-1",
            "refund-reason": "Hư",
        },
        check=_status_is("paid", S.PLACED, P.PARTLY_REFUNDED),
    ),
    Case(
        "record a refund's reference",
        "post",
        lambda s: refund_url(s.asked_refund, "reference"),
        data=lambda s: {f"refund-{s.asked_refund.pk}-reference": "FT-HOAN-2"},
        check=_status_is("asked", S.PLACED, P.PARTLY_REFUNDED),
    ),
    Case(
        "send a card refund again",
        "post",
        lambda s: refund_url(s.card_refund, "retry"),
        check=lambda s, r: _refund_is(s.card_refund, Refund.Status.SUCCEEDED),
    ),
    Case(
        "terms of sale",
        "get",
        lambda s: reverse("marketplace_cooperative_terms", args=[s.cooperative.pk]),
        check=_page_shows(lambda s: "0071000123456"),
    ),
    Case(
        "save terms of sale",
        "post",
        lambda s: reverse("marketplace_cooperative_terms", args=[s.cooperative.pk]),
        data=lambda s: {
            "bank": "970415",
            "bank_account": "1122334455",
            "bank_account_name": "Ke gian",
            "shipping": "pickup",
            "cash_on_delivery": "",
        },
        check=lambda s, r: _account_is(s.cooperative, "1122334455"),
    ),
]

INTRUDERS = ["other cooperative's staff", "the orders' buyer", "another province's alliance", "anonymous"]


def _log_in(client, world, who):
    user = {
        "other cooperative's staff": world.a.staff,
        "the orders' buyer": world.buyer,
        "another province's alliance": world.hn_staff,
        "b's staff": world.b.staff,
        "administrator": world.admin,
    }.get(who)
    if user is not None:
        client.force_login(user)


@pytest.mark.django_db
@pytest.mark.parametrize("who", INTRUDERS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_everyone_but_the_cooperative_is_refused_its_orders_and_terms(client, world, case, who):
    _log_in(client, world, who)
    before = snapshot()

    with card_gateway(FakeGateway()):
        response = getattr(client, case.method)(case.url(world.b), case.data(world.b) if case.data else {})

    assert_refused(response)
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["b's staff", "administrator"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_cooperatives_staff_and_administrators_use_every_screen_and_action(client, world, case, who):
    _log_in(client, world, who)

    with card_gateway(FakeGateway()):
        response = getattr(client, case.method)(case.url(world.b), case.data(world.b) if case.data else {})

    if case.method == "post":
        assert response.status_code == 302, messages_of(response)
        assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    case.check(world.b, response)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["the orders' buyer", "anonymous"])
@pytest.mark.parametrize(
    "url_name", ["marketplace_orders", "marketplace_orders_results", "marketplace_terms"]
)
def test_lists_refuse_buyers_and_visitors(client, world, who, url_name):
    _log_in(client, world, who)

    assert_refused(client.get(reverse(url_name)))


@pytest.mark.django_db
def test_alliance_staff_of_another_province_see_no_list_of_terms(client, world):
    client.force_login(world.hn_staff)

    assert_refused(client.get(reverse("marketplace_terms")))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other cooperative's staff", "another province's alliance"])
def test_the_order_list_leaves_out_other_cooperatives_orders(client, world, who):
    _log_in(client, world, who)

    page = client.get(reverse("marketplace_orders")).content.decode()

    assert world.a.placed.number in page
    assert world.b.placed.number not in page


# --- the list ----------------------------------------------------------------------------------


def listed(client, **params) -> str:
    response = client.get(reverse("marketplace_orders"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_staff_see_their_orders_newest_first(client, world):
    client.force_login(world.b.staff)

    page = listed(client)

    numbers = [world.b.card.number, world.b.asked.number, world.b.paid.number, world.b.placed.number]
    positions = [page.index(number) for number in numbers]
    assert positions == sorted(positions)
    assert world.b.placed.purchase.shipping_name in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"status": "shipped"}, ["shipped"], ["placed", "confirmed"]),
        ({"payment_status": "paid"}, ["paid"], ["unpaid", "placed"]),
        ({"payment_method": "card"}, ["card"], ["paid", "placed"]),
        ({"payment_method": "cod", "status": "placed"}, ["placed"], ["confirmed", "unpaid"]),
    ],
)
def test_staff_filter_orders(client, world, params, shown, hidden):
    client.force_login(world.b.staff)

    page = listed(client, **params)

    for name in shown:
        assert getattr(world.b, name).number in page
    for name in hidden:
        assert getattr(world.b, name).number not in page


@pytest.mark.django_db
def test_staff_filter_orders_by_date(client, world):
    old = world.b.unpaid
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    client.force_login(world.b.staff)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()

    page = listed(client, created_at_from=since)

    assert old.number not in page
    assert world.b.placed.number in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["{number}", "{number_lower}", "Nguyễn Thị", "0912 345 678", "0912.345.678", "345678"]
)
def test_staff_search_orders_by_number_name_or_phone(client, world, query):
    target = world.b.placed
    client.force_login(world.b.staff)
    q = query.format(number=target.number, number_lower=target.number.lower())

    page = listed(client, q=q)

    assert target.number in page
    assert world.a.placed.number not in page


@pytest.mark.django_db
def test_search_matches_nothing_for_an_unknown_phone(client, world):
    client.force_login(world.b.staff)

    page = listed(client, q="0999999999")

    assert world.b.placed.number not in page


@pytest.mark.django_db
def test_the_cooperative_filter_is_offered_only_for_several_cooperatives(client, world):
    client.force_login(world.b.staff)
    assert 'name="cooperative"' not in listed(client)

    client.force_login(world.admin)
    page = listed(client, cooperative=str(world.a.cooperative.pk))

    assert 'name="cooperative"' in page
    assert world.a.placed.number in page
    assert world.b.placed.number not in page


@pytest.mark.django_db
def test_alliance_staff_list_the_orders_of_cooperatives_they_oversee(client, world):
    client.force_login(world.hp_staff)

    page = listed(client)

    assert world.b.placed.number in page
    assert world.a.placed.number not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"status": "stolen"},
        {"cooperative": "9" * 40},
        {"cooperative": "-1"},
        {"created_at_from": "hôm qua", "created_at_to": "9999-99-99"},
        {"p": "abc"},
        {"p": "9" * 30},
        {"q": "x" * 10_000},
        {"q": "'; DROP TABLE marketplace_order; --"},
        {"payment_method": "bitcoin", "payment_status": "\x00"},
    ],
)
def test_hostile_list_parameters_never_break_the_list(client, world, params):
    client.force_login(world.b.staff)

    response = client.get(reverse("marketplace_orders"), params)

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_list_links_to_the_terms_of_sale(client, world):
    client.force_login(world.b.staff)

    assert reverse("marketplace_terms") in listed(client)


def _orders_for(cooperative, buyer, product, count):
    for _ in range(count):
        _place(buyer, product, "cod")


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_2_or_20_orders(client):
    staff = factories.user()
    cooperative = factories.cooperative(staff=[staff])
    mf.terms(cooperative)
    product = factories.product(cooperative=cooperative, price_vnd=10_000, stock=1000)
    buyer = factories.user()
    client.force_login(staff)

    def count_queries():
        client.get(reverse("marketplace_orders"))  # warm caches (content types, site, locale)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("marketplace_orders"))
        assert response.status_code == 200
        return len(queries)

    _orders_for(cooperative, buyer, product, 2)
    few = count_queries()
    _orders_for(cooperative, buyer, product, 18)
    many = count_queries()

    assert Order.objects.filter(cooperative=cooperative).count() == 20
    assert many == few


@pytest.mark.django_db
def test_the_order_page_costs_the_same_queries_however_long_the_order(client):
    staff = factories.user()
    cooperative = factories.cooperative(staff=[staff])
    mf.terms(cooperative)
    products = [factories.product(cooperative=cooperative, price_vnd=10_000, stock=100) for _ in range(6)]
    buyer = factories.user()
    client.force_login(staff)

    def count_queries(order):
        url = order_url(order)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    short = mf.purchase(buyer, [(products[0], 1)]).orders.get()
    order_mark_paid(order=short, actor="bank")
    long = mf.purchase(buyer, [(p, 2) for p in products]).orders.get()
    order_mark_paid(order=long, actor="bank")
    for amount in (1_000, 2_000, 3_000):
        order_refund(order=long, amount_vnd=amount, actor="cooperative", user=staff)

    assert count_queries(long) == count_queries(short)


# --- the order page and its actions ------------------------------------------------------------


@pytest.mark.django_db
def test_the_order_page_shows_lines_totals_shipping_payment_and_history(client, world):
    order = world.b.paid
    client.force_login(world.b.staff)

    page = client.get(order_url(order)).content.decode()

    purchase = order.purchase
    for text in (
        purchase.shipping_name,
        purchase.shipping_phone,
        purchase.shipping_address,
        purchase.payment_code,
        order.lines.get().sku,
        "300.000",  # the line
        "320.000",  # the total with 20.000 shipping
        "FT0001",  # the bank reference of the payment, in the history
        "Ba trăm hai mươi nghìn đồng",  # the amount in words beside the VietQR code
    ):
        assert text in page, text
    payload = vietqr.build(bank_bin="970436", account="0071000123456", amount=320_000, purpose=order.number)
    assert payload in page


@pytest.mark.django_db
def test_only_the_actions_allowed_now_are_offered(client, world):
    client.force_login(world.b.staff)

    def actions(order):
        page = client.get(order_url(order)).content.decode()
        return {
            name
            for name in ("confirm", "ship", "deliver", "cancel", "refund")
            if order_url(order, name) in page
        }

    assert actions(world.b.placed) == {"confirm", "cancel"}
    assert actions(world.b.unpaid) == {"cancel"}  # a transfer is confirmed once paid
    assert actions(world.b.confirmed) == {"ship", "cancel"}
    assert actions(world.b.shipped) == {"deliver"}
    assert actions(world.b.paid) == {"confirm", "cancel", "refund"}


@pytest.mark.django_db
def test_alliance_staff_read_the_order_and_may_only_refund(client, world):
    client.force_login(world.hp_staff)

    page = client.get(order_url(world.b.paid)).content.decode()

    assert world.b.paid.purchase.shipping_phone in page
    assert order_url(world.b.paid, "refund") in page
    assert order_url(world.b.paid, "confirm") not in page
    assert order_url(world.b.paid, "cancel") not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "attr"), [("confirm", "paid"), ("cancel", "placed"), ("ship", "confirmed")]
)
def test_alliance_staff_cannot_move_orders(client, world, action, attr):
    client.force_login(world.hp_staff)
    before = snapshot()

    response = client.post(
        order_url(getattr(world.b, attr), action), {"cancel-reason": "x", "ship-carrier": "GHN"}
    )

    assert_refused(response)
    assert snapshot() == before


@pytest.mark.django_db
def test_alliance_staff_refund_an_order_they_oversee(client, world):
    client.force_login(world.hp_staff)

    response = client.post(
        order_url(world.b.paid, "refund"), {"refund-amount_vnd": "320000", "refund-reference": "FT-LM-1"}
    )

    assert response.status_code == 302
    order = Order.objects.get(pk=world.b.paid.pk)
    assert (order.payment_status, order.refunded_vnd) == (P.REFUNDED, 320_000)
    event = order.events.get(kind="payment:refunded")
    assert (event.actor, event.user) == ("alliance", world.hp_staff)


@pytest.mark.django_db
def test_shipping_without_a_carrier_is_a_form_error_and_changes_nothing(client, world):
    client.force_login(world.b.staff)
    before = snapshot()

    response = client.post(
        order_url(world.b.confirmed, "ship"), {"ship-carrier": "  ", "ship-tracking_number": "X"}
    )

    assert response.status_code == 200
    assert "ship-carrier" in response.content.decode()
    assert response.context["actions"][0][2].errors
    assert snapshot() == before


@pytest.mark.django_db
def test_delivering_cash_on_delivery_needs_the_cash_collected(client, world):
    client.force_login(world.b.staff)
    before = snapshot()

    response = client.post(order_url(world.b.shipped, "deliver"), {})

    assert response.status_code == 200
    assert snapshot() == before
    response = client.post(order_url(world.b.shipped, "deliver"), {"deliver-cash_collected": "on"})
    order = Order.objects.get(pk=world.b.shipped.pk)
    assert (order.status, order.payment_status) == (S.DELIVERED, P.PAID)
    assert order.events.get(kind="payment:paid").actor == "cooperative"


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_cancelling_needs_a_reason_of_sensible_length(client, world, reason):
    client.force_login(world.b.staff)
    before = snapshot()

    response = client.post(order_url(world.b.placed, "cancel"), {"cancel-reason": reason})

    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.django_db
def test_cancelling_gives_the_stock_back_and_tells_the_reason(client, world):
    client.force_login(world.b.staff)

    client.post(order_url(world.b.placed, "cancel"), {"cancel-reason": "Hết hàng vụ này"})

    order = Order.objects.get(pk=world.b.placed.pk)
    assert (order.status, order.cancel_reason) == (S.CANCELLED, "Hết hàng vụ này")
    assert not order.holds_stock


@pytest.mark.django_db
def test_confirming_an_unpaid_transfer_is_refused_with_a_message(client, world):
    client.force_login(world.b.staff)
    before = snapshot()

    response = client.post(order_url(world.b.unpaid, "confirm"))

    assert response.status_code == 302
    assert [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert snapshot() == before


@pytest.mark.django_db
def test_an_action_on_an_order_already_moved_is_a_message(client, world):
    client.force_login(world.b.staff)
    before = snapshot()

    response = client.post(order_url(world.b.shipped, "confirm"))

    assert response.status_code == 302
    assert response["Location"] == order_url(world.b.shipped)
    assert any(m.level_tag == "error" for m in get_messages(response.wsgi_request))
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "amount",
    ["", "0", "-5", "abc", "1e5", "12,5", "100.00", "1.0000", "٣٠٠", "9" * 40, "320001", "10" * 20],
)
def test_refund_amounts_that_are_not_whole_dong_within_the_total_are_form_errors(client, world, amount):
    client.force_login(world.b.staff)
    before = snapshot()

    response = client.post(
        order_url(world.b.paid, "refund"), {"refund-amount_vnd": amount, "refund-reference": "FT1"}
    )

    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "amount"), [("150000", 150_000), ("150.000", 150_000), ("150 000 đ", 150_000)]
)
def test_refund_amounts_may_be_typed_with_thousands_separators(client, world, typed, amount):
    client.force_login(world.b.staff)

    client.post(order_url(world.b.paid, "refund"), {"refund-amount_vnd": typed, "refund-reference": "FT1"})

    assert Order.objects.get(pk=world.b.paid.pk).refunded_vnd == amount


@pytest.mark.django_db
def test_a_transfer_refund_needs_its_bank_reference(client, world):
    client.force_login(world.b.staff)
    before = snapshot()

    response = client.post(order_url(world.b.paid, "refund"), {"refund-amount_vnd": "1000"})

    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.django_db
def test_refund_never_exceeds_what_is_left(client, world):
    client.force_login(world.b.staff)
    # 120.000 paid, 50.000 already asked for: 70.000 left.
    before = snapshot()
    response = client.post(
        order_url(world.b.asked, "refund"), {"refund-amount_vnd": "70001", "refund-reference": "FT9"}
    )
    assert response.status_code == 200
    assert snapshot() == before

    client.post(
        order_url(world.b.asked, "refund"), {"refund-amount_vnd": "70.000", "refund-reference": "FT9"}
    )

    assert list(Refund.objects.filter(order=world.b.asked).values_list("amount_vnd", flat=True)) == [
        50_000,
        70_000,
    ]


@pytest.mark.django_db
def test_a_card_refund_goes_to_the_processor(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.b.staff)

    with card_gateway(FakeGateway()) as gateway, django_capture_on_commit_callbacks(execute=True):
        response = client.post(order_url(world.b.card, "refund"), {"refund-amount_vnd": "10000"})

    assert response.status_code == 302
    refund = Refund.objects.filter(order=world.b.card).latest("pk")
    assert refund.status == Refund.Status.SUCCEEDED
    assert gateway.refunds[-1] == {"amount_vnd": 10_000, "idempotency_key": f"refund-{refund.pk}"}


@pytest.mark.django_db
def test_a_refused_card_refund_can_be_sent_again(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.b.staff)
    with card_gateway(FakeGateway(fail=True)), django_capture_on_commit_callbacks(execute=True):
        client.post(order_url(world.b.card, "refund"), {"refund-amount_vnd": "10000"})
    refund = Refund.objects.filter(order=world.b.card).latest("pk")
    assert refund.status == Refund.Status.FAILED
    assert refund_url(refund, "retry") in client.get(order_url(world.b.card)).content.decode()

    with card_gateway(FakeGateway()):
        client.post(refund_url(refund, "retry"))

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert Order.objects.get(pk=world.b.card.pk).refunded_vnd == 10_000


@pytest.mark.django_db
def test_a_card_refund_refused_again_is_a_warning(client, world):
    client.force_login(world.b.staff)

    with card_gateway(FakeGateway(fail=True)):
        response = client.post(refund_url(world.b.card_refund, "retry"))

    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["warning"]
    assert Refund.objects.get(pk=world.b.card_refund.pk).status == Refund.Status.FAILED


@pytest.mark.django_db
@pytest.mark.parametrize("reference", ["", "   ", "x" * 101])
def test_recording_a_refund_needs_a_sensible_reference(client, world, reference):
    client.force_login(world.b.staff)
    refund = world.b.asked_refund
    before = snapshot()

    response = client.post(refund_url(refund, "reference"), {f"refund-{refund.pk}-reference": reference})

    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.django_db
def test_recording_a_refund_twice_is_a_message(client, world):
    client.force_login(world.b.staff)
    refund = world.b.asked_refund
    data = {f"refund-{refund.pk}-reference": "FT-HOAN"}
    client.post(refund_url(refund, "reference"), data)
    before = snapshot()

    response = client.post(refund_url(refund, "reference"), data)

    assert response.status_code == 302
    assert any(m.level_tag == "error" for m in get_messages(response.wsgi_request))
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "marketplace/orders/{quoted}/",
        "marketplace/orders/{long}/",
        "marketplace/orders/{quoted}/do/confirm/",
        "marketplace/orders/{number}/do/steal/",
        "marketplace/orders/{number}/refunds/{huge}/reference/",
        "marketplace/orders/{number}/refunds/0/retry/",
        "marketplace/orders/{number}/refunds/{other_refund}/retry/",
        "marketplace/orders/{number}/refunds/{refund}/erase/",
        "marketplace/terms/{huge}/",
        "marketplace/terms/0/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_orders_actions_and_refunds_are_not_found(client, world, path, method):
    client.force_login(world.b.staff)
    values = {
        "quoted": quote("../../x", safe=""),
        "long": "H" * 10_000,
        "number": world.b.paid.number,
        "huge": "9" * 30,
        "refund": world.b.asked_refund.pk,
        "other_refund": world.a.asked_refund.pk,
    }
    before = snapshot()

    response = getattr(client, method)("/admin/" + path.format(**values))

    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"ship-carrier": "x" * 101},
        {"ship-carrier": "x" * 10_000, "ship-tracking_number": "y" * 10_000},
        {"ship-carrier": "GHN", "ship-tracking_number": "t" * 101},
    ],
)
def test_overlong_shipping_details_are_form_errors(client, world, data):
    client.force_login(world.b.staff)
    before = snapshot()

    response = client.post(order_url(world.b.confirmed, "ship"), data)

    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.django_db
def test_bad_input_for_an_action_not_offered_now_is_a_message(client, world):
    client.force_login(world.b.staff)
    before = snapshot()

    response = client.post(order_url(world.b.placed, "ship"), {"ship-carrier": ""})

    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert snapshot() == before


@pytest.mark.django_db
def test_actions_answer_only_post(client, world):
    client.force_login(world.b.staff)

    assert client.get(order_url(world.b.placed, "confirm")).status_code == 405
    assert Order.objects.get(pk=world.b.placed.pk).status == S.PLACED


# --- the menu ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "shown"),
    [("b's staff", True), ("another province's alliance", True), ("administrator", True)],
)
def test_the_orders_menu_item_is_shown_to_those_with_orders_to_see(client, world, who, shown):
    _log_in(client, world, who)

    page = client.get(reverse("wagtailadmin_home")).content.decode()

    assert (reverse("marketplace_orders") in page) is shown


@pytest.mark.django_db
def test_alliance_staff_get_no_terms_menu_item(client, world):
    client.force_login(world.hn_staff)

    page = client.get(reverse("wagtailadmin_home")).content.decode()

    assert reverse("marketplace_terms") not in page


@pytest.mark.django_db
def test_staff_without_orders_to_see_get_no_menu_item(client):
    editor = factories.user()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    page = client.get(reverse("wagtailadmin_home")).content.decode()

    assert reverse("marketplace_orders") not in page
    assert reverse("marketplace_terms") not in page
    assert_refused(client.get(reverse("marketplace_orders")))


# --- terms of sale -----------------------------------------------------------------------------


def terms_url(cooperative):
    return reverse("marketplace_cooperative_terms", args=[cooperative.pk])


TERMS = {
    "bank": "970436",
    "bank_bin_other": "",
    "bank_account": "0071 000 999 888",
    "bank_account_name": "htx mật ong  b",
    "shipping": "free_above",
    "shipping_fee_vnd": "30.000",
    "free_shipping_from_vnd": "500000",
    "cash_on_delivery": "",
}


@pytest.mark.django_db
def test_a_staff_member_of_one_cooperative_goes_straight_to_its_terms(client, world):
    client.force_login(world.b.staff)

    response = client.get(reverse("marketplace_terms"))

    assert response.status_code == 302
    assert response["Location"] == terms_url(world.b.cooperative)


@pytest.mark.django_db
def test_staff_save_their_terms_of_sale(client, world):
    client.force_login(world.b.staff)

    response = client.post(terms_url(world.b.cooperative), TERMS)

    assert response.status_code == 302
    terms = CooperativeTerms.objects.get(cooperative=world.b.cooperative)
    assert (terms.bank_bin, terms.bank_account, terms.bank_account_name) == (
        "970436",
        "0071000999888",
        "HTX MẬT ONG B",
    )
    assert (terms.shipping, terms.shipping_fee_vnd, terms.free_shipping_from_vnd) == (
        "free_above",
        30_000,
        500_000,
    )
    assert terms.cash_on_delivery is False


@pytest.mark.django_db
def test_the_terms_page_previews_the_vietqr_code_for_ten_thousand_dong(client, world):
    client.force_login(world.b.staff)

    page = client.get(terms_url(world.b.cooperative)).content.decode()

    payload = vietqr.build(bank_bin="970436", account="0071000123456", amount=10_000, purpose="KIEM TRA")
    assert payload in page
    assert "Mười nghìn đồng" in page
    assert "data:image/png;base64," in page


@pytest.mark.django_db
def test_a_bank_outside_the_list_is_entered_by_its_bin(client, world):
    client.force_login(world.b.staff)

    client.post(terms_url(world.b.cooperative), TERMS | {"bank": "other", "bank_bin_other": "970999"})
    page = client.get(terms_url(world.b.cooperative)).content.decode()

    assert CooperativeTerms.objects.get(cooperative=world.b.cooperative).bank_bin == "970999"
    assert 'value="970999"' in page


@pytest.mark.django_db
def test_no_bank_account_at_all_is_allowed(client, world):
    client.force_login(world.b.staff)

    client.post(
        terms_url(world.b.cooperative), TERMS | {"bank": "", "bank_account": "", "bank_account_name": ""}
    )

    assert not CooperativeTerms.objects.get(cooperative=world.b.cooperative).has_bank_account


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"bank_account": ""}, None),  # the model's clean(): all three or none
        ({"bank": "other", "bank_bin_other": ""}, "bank_bin_other"),
        ({"bank": "other", "bank_bin_other": "97a"}, "bank_bin_other"),
        ({"bank": "999999"}, "bank"),
        ({"bank_account": "12"}, "bank_account"),
        ({"bank_account": "0071-000"}, "bank_account"),
        ({"bank_account_name": "x" * 71}, "bank_account_name"),
        ({"shipping": "pickup"}, "shipping_fee_vnd"),  # pickup has no fee
        ({"shipping": "teleport"}, "shipping"),
        ({"free_shipping_from_vnd": ""}, "free_shipping_from_vnd"),
        ({"shipping_fee_vnd": "-1"}, "shipping_fee_vnd"),
        ({"shipping_fee_vnd": "9" * 40}, "shipping_fee_vnd"),
        ({"shipping_fee_vnd": "30k"}, "shipping_fee_vnd"),
        ({"free_shipping_from_vnd": "1000000000001"}, "free_shipping_from_vnd"),
    ],
)
def test_bad_terms_are_form_errors_and_change_nothing(client, world, changes, field):
    client.force_login(world.b.staff)
    before = snapshot()

    response = client.post(terms_url(world.b.cooperative), TERMS | changes)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    if field:
        assert field in form.errors, form.errors
    else:
        assert form.non_field_errors()
    assert snapshot() == before


@pytest.mark.django_db
def test_administrators_list_every_cooperatives_terms(client, world):
    client.force_login(world.admin)

    page = client.get(reverse("marketplace_terms")).content.decode()

    assert terms_url(world.a.cooperative) in page
    assert terms_url(world.b.cooperative) in page
