"""Card refunds go to the processor after commit, with our refund's id as the idempotency key."""

import pytest

from marketplace.ledger.selectors import account_balance
from marketplace.ledger.services import card_clearing, cooperative_payable, refunds
from marketplace.models import Order, Refund
from marketplace.services.orders import StatusChange, order_change_status
from marketplace.services.payments import order_refund, purchase_card_paid, purchase_start_card_payment
from tests import factories
from tests.factories import marketplace as mf
from tests.marketplace.stripe_helpers import pay_intent

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_card_order(card_settings, localstripe):
    staff = factories.user()
    cooperative = factories.cooperative(staff=[staff])
    mf.terms(cooperative)
    product = factories.product(cooperative=cooperative, price_vnd=200_000, stock=4)
    purchase = mf.purchase(factories.user(), [(product, 2)], method="card")
    intent = purchase_start_card_payment(purchase=purchase)
    paid = pay_intent(localstripe, intent.id)
    purchase_card_paid(purchase=purchase, amount_vnd=paid["amount"], currency=paid["currency"])
    return purchase.orders.get(), staff, product


def test_partial_card_refund_is_sent_and_booked(paid_card_order, django_capture_on_commit_callbacks):
    order, staff, _product = paid_card_order
    with django_capture_on_commit_callbacks(execute=True):
        refund = order_refund(
            order=order, amount_vnd=50_000, actor="cooperative", user=staff, reason="Vỡ 1 chai"
        )
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.stripe_refund.startswith("re_")
    assert (order.payment_status, order.refunded_vnd) == (Order.PaymentStatus.PARTLY_REFUNDED, 50_000)
    assert account_balance(refunds()) == 0
    assert account_balance(card_clearing()) == order.total_vnd - 50_000
    assert account_balance(cooperative_payable(order.cooperative)) == -(order.total_vnd - 50_000)


def test_cooperative_cancelling_a_paid_card_order_refunds_it_all(
    paid_card_order, django_capture_on_commit_callbacks
):
    order, staff, product = paid_card_order
    with django_capture_on_commit_callbacks(execute=True):
        order_change_status(order=order, user=staff, change=StatusChange(to="cancelled", reason="Hết hàng"))
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (Order.Status.CANCELLED, Order.PaymentStatus.REFUNDED)
    assert product.inventory.__class__.objects.get(product=product).stock == 4
    assert account_balance(card_clearing()) == 0


def test_a_refund_the_processor_refuses_is_marked_failed(
    paid_card_order, settings, django_capture_on_commit_callbacks
):
    order, staff, _product = paid_card_order
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: the processor cannot be reached
    with django_capture_on_commit_callbacks(execute=True):
        refund = order_refund(order=order, amount_vnd=10_000, actor="cooperative", user=staff)
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.events.filter(kind="refund:failed").count() == 1
    assert account_balance(refunds()) == 0
