"""Order and payment moves: who may make them, what they write, and that each happens once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalog import services as catalog_services
from catalog.models import ProductInventory
from marketplace.ledger.models import LedgerTransaction
from marketplace.ledger.selectors import account_balance
from marketplace.ledger.services import cooperative_receivable, platform_commission
from marketplace.models import Order, Refund
from marketplace.services import moves
from marketplace.services.orders import StatusChange, order_change_status
from marketplace.services.payments import (
    expire_unpaid_orders,
    order_mark_paid,
    order_refund,
    refund_record_reference,
)
from tests import factories
from tests.factories import marketplace as mf

pytestmark = pytest.mark.django_db
S, P = Order.Status, Order.PaymentStatus


@pytest.fixture
def staff():
    return factories.user()


@pytest.fixture
def cooperative(staff):
    made = factories.cooperative(staff=[staff])
    mf.terms(made, shipping="flat", shipping_fee_vnd=20_000)
    return made


@pytest.fixture
def product(cooperative):
    return factories.product(cooperative=cooperative, price_vnd=100_000, stock=5)


@pytest.fixture
def buyer():
    return factories.user()


def order_of(purchase) -> Order:
    return purchase.orders.get()


def stock(product) -> int:
    return ProductInventory.objects.get(product=product).stock


def test_transfer_paid_once_however_often_reported(buyer, product):
    order = order_of(mf.purchase(buyer, [(product, 2)]))
    assert order_mark_paid(order=order, actor="bank", reference="FT123") is True
    assert order_mark_paid(order=order, actor="bank", reference="FT123", quiet=True) is False
    order.refresh_from_db()
    assert order.payment_status == P.PAID
    assert order.hold_until is None
    assert order.events.filter(kind="payment:paid").count() == 1


def test_commission_is_posted_once_as_receivable_on_direct_payments(settings, buyer, product, cooperative):
    settings.PLATFORM_COMMISSION_PERCENT = "2.5"
    order = order_of(mf.purchase(buyer, [(product, 3)]))
    assert order.commission_vnd == 7_500  # 2.5% of 300,000; shipping is not commissioned
    order_mark_paid(order=order, actor="bank")
    order_mark_paid(order=order, actor="bank", quiet=True)
    assert LedgerTransaction.objects.filter(idempotency_key=f"order:{order.pk}:paid").count() == 1
    assert account_balance(cooperative_receivable(cooperative)) == 7_500
    assert account_balance(platform_commission()) == -7_500


def test_cooperative_confirms_ships_delivers_and_buyer_completes(buyer, staff, product):
    order = order_of(mf.purchase(buyer, [(product, 1)]))
    with pytest.raises(ValidationError):  # not paid yet
        order_change_status(order=order, user=staff, change=StatusChange(to=S.CONFIRMED))
    order_mark_paid(order=order, actor="bank")
    order = order_change_status(order=order, user=staff, change=StatusChange(to=S.CONFIRMED))
    with pytest.raises(ValidationError):
        order_change_status(order=order, user=staff, change=StatusChange(to=S.SHIPPED))  # no carrier
    order = order_change_status(
        order=order,
        user=staff,
        change=StatusChange(to=S.SHIPPED, carrier="Viettel Post", tracking_number="VT1"),
    )
    assert (order.carrier, order.tracking_number) == ("Viettel Post", "VT1")
    order = order_change_status(order=order, user=staff, change=StatusChange(to=S.DELIVERED))
    with pytest.raises(PermissionDenied):
        order_change_status(order=order, user=factories.user(), change=StatusChange(to=S.COMPLETED))
    order = order_change_status(order=order, user=buyer, change=StatusChange(to=S.COMPLETED))
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == [
        "status:placed",
        "payment:paid",
        "status:confirmed",
        "status:shipped",
        "status:delivered",
        "status:completed",
    ]


def test_cash_on_delivery_is_paid_when_delivered_with_the_cash(buyer, staff, product):
    order = order_of(mf.purchase(buyer, [(product, 1)], method="cod"))
    order = order_change_status(order=order, user=staff, change=StatusChange(to=S.CONFIRMED))
    order = order_change_status(order=order, user=staff, change=StatusChange(to=S.SHIPPED, carrier="GHN"))
    with pytest.raises(ValidationError):
        order_change_status(order=order, user=staff, change=StatusChange(to=S.DELIVERED))
    order = order_change_status(
        order=order, user=staff, change=StatusChange(to=S.DELIVERED, cash_collected=True)
    )
    assert (order.status, order.payment_status) == (S.DELIVERED, P.PAID)


def test_buyer_cancels_only_before_confirmation(buyer, staff, product):
    first = order_of(mf.purchase(buyer, [(product, 2)], method="cod"))
    assert stock(product) == 3
    order_change_status(order=first, user=buyer, change=StatusChange(to=S.CANCELLED))
    assert stock(product) == 5
    second = order_of(mf.purchase(buyer, [(product, 1)], method="cod"))
    order_change_status(order=second, user=staff, change=StatusChange(to=S.CONFIRMED))
    with pytest.raises(PermissionDenied):
        order_change_status(order=second, user=buyer, change=StatusChange(to=S.CANCELLED))
    assert Order.objects.get(pk=second.pk).status == S.CONFIRMED


def test_other_cooperatives_staff_and_other_buyers_are_refused(buyer, product):
    order = order_of(mf.purchase(buyer, [(product, 1)], method="cod"))
    stranger_staff = factories.user()
    factories.cooperative(staff=[stranger_staff])
    for intruder in (stranger_staff, factories.user()):
        for to in (S.CONFIRMED, S.CANCELLED):
            with pytest.raises(PermissionDenied):
                order_change_status(order=order, user=intruder, change=StatusChange(to=to, reason="x"))
    order.refresh_from_db()
    assert order.status == S.PLACED
    assert order.events.count() == 1


def test_cooperative_cancel_needs_a_reason_and_refunds_a_paid_transfer(buyer, staff, product):
    order = order_of(mf.purchase(buyer, [(product, 2)]))
    order_mark_paid(order=order, actor="bank")
    with pytest.raises(ValidationError):
        order_change_status(order=order, user=staff, change=StatusChange(to=S.CANCELLED))
    order = order_change_status(
        order=order, user=staff, change=StatusChange(to=S.CANCELLED, reason="Hết hàng")
    )
    assert stock(product) == 5
    refund = order.refunds.get()
    assert (refund.status, refund.amount_vnd) == (Refund.Status.REQUESTED, order.total_vnd)
    refund_record_reference(refund=refund, reference="FT999", user=staff, actor="cooperative")
    order.refresh_from_db()
    assert (order.payment_status, order.refunded_vnd) == (P.REFUNDED, order.total_vnd)


def test_partial_then_full_refund_never_exceeds_the_total(buyer, staff, product):
    order = order_of(mf.purchase(buyer, [(product, 1)]))
    order_mark_paid(order=order, actor="bank")
    order_refund(order=order, amount_vnd=20_000, actor="cooperative", user=staff, reference="R1")
    order.refresh_from_db()
    assert (order.payment_status, order.refunded_vnd) == (P.PARTLY_REFUNDED, 20_000)
    for bad in (0, -5, order.total_vnd, "10", 10**30):
        with pytest.raises(ValidationError):
            order_refund(order=order, amount_vnd=bad, actor="cooperative", user=staff, reference="R2")
    order_refund(
        order=order, amount_vnd=order.total_vnd - 20_000, actor="cooperative", user=staff, reference="R3"
    )
    order.refresh_from_db()
    assert (order.payment_status, order.refunded_vnd) == (P.REFUNDED, order.total_vnd)


def test_payment_after_expiry_takes_the_stock_again(buyer, product):
    order = order_of(mf.purchase(buyer, [(product, 2)]))
    expire_unpaid_orders(now=timezone.now() + datetime.timedelta(days=2))
    assert stock(product) == 5
    order_mark_paid(order=Order.objects.get(pk=order.pk), actor="bank")
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.expired, order.holds_stock) == (
        S.PLACED,
        P.PAID,
        False,
        True,
    )
    assert stock(product) == 3
    assert order.events.filter(kind="status:placed", detail__reinstated=True).count() == 1


def test_payment_after_expiry_without_stock_is_refunded(buyer, product):
    order = order_of(mf.purchase(buyer, [(product, 2)]))
    expire_unpaid_orders(now=timezone.now() + datetime.timedelta(days=2))
    catalog_services.product_set_stock(product=product, stock=1)
    order_mark_paid(order=Order.objects.get(pk=order.pk), actor="bank")
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (S.CANCELLED, P.PAID)
    assert order.refunds.get().amount_vnd == order.total_vnd
    assert order.events.filter(kind="note", detail__message="paid_after_cancel").exists()
    assert stock(product) == 1


def test_every_move_in_the_tables_names_real_states():
    for table, states in ((moves.ORDER_MOVES, S.values), (moves.PAYMENT_MOVES, P.values)):
        for (start, end), actors in table.items():
            assert start in states
            assert end in states
            assert actors


def test_a_stale_move_changes_nothing(buyer, staff, product):
    order = order_of(mf.purchase(buyer, [(product, 1)], method="cod"))
    stale = Order.objects.get(pk=order.pk)
    order_change_status(order=order, user=buyer, change=StatusChange(to=S.CANCELLED))
    with pytest.raises(ValidationError):
        moves.move_status(order=stale, to=S.CONFIRMED, actor="cooperative", user=staff)
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED
