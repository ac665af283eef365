"""Sending a card refund again after the card processor refused it (services.payments.refund_retry).

The rules are checked with a small fake gateway; the last two tests go through the real client,
against localstripe and against the recording stub (which sees the idempotency keys).
"""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from marketplace.ledger.models import LedgerTransaction
from marketplace.ledger.selectors import account_balance
from marketplace.ledger.services import card_clearing, cooperative_payable, refunds
from marketplace.models import Order, Refund
from marketplace.payments.card import CardGatewayError
from marketplace.services.payments import (
    order_mark_paid,
    order_refund,
    purchase_card_paid,
    purchase_start_card_payment,
    refund_retry,
    refund_send,
)
from tests import factories
from tests.factories import marketplace as mf
from tests.marketplace.stripe_helpers import pay_intent

pytestmark = pytest.mark.django_db


class FakeGateway:
    def __init__(self, fail=False):
        self.fail = fail
        self.keys = []

    def refund(self, *, intent_id, amount_vnd, idempotency_key):
        self.keys.append(idempotency_key)
        if self.fail:
            raise CardGatewayError("card_declined")
        return SimpleNamespace(id=f"re_{len(self.keys)}")


def gateway(fake):
    return mock.patch("marketplace.services.payments.card_gateway", return_value=fake)


@pytest.fixture
def staff():
    return factories.user()


@pytest.fixture
def cooperative(staff):
    made = factories.cooperative(staff=[staff])
    mf.terms(made)
    return made


@pytest.fixture
def card_order(cooperative):
    product = factories.product(cooperative=cooperative, price_vnd=100_000, stock=5)
    with mock.patch("marketplace.services.checkout.card_gateway", return_value=FakeGateway()):
        purchase = mf.purchase(factories.user(), [(product, 1)], method="card")
    purchase_card_paid(purchase=purchase, amount_vnd=purchase.total_vnd, currency="vnd")
    return purchase.orders.get()


def failed_refund(order, staff, amount=40_000):
    refund = order_refund(order=order, amount_vnd=amount, actor="cooperative", user=staff)
    with gateway(FakeGateway(fail=True)):
        refund_send(refund=refund)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    return refund


def test_a_failed_card_refund_sent_again_is_paid_with_the_same_idempotency_key(card_order, staff):
    refund = failed_refund(card_order, staff)

    with gateway(FakeGateway()) as patched:
        refund = refund_retry(refund=refund, actor="cooperative", user=staff)

    assert refund.status == Refund.Status.SUCCEEDED
    assert patched.return_value.keys == [f"refund-{refund.pk}"]
    order = Order.objects.get(pk=card_order.pk)
    assert (order.payment_status, order.refunded_vnd) == ("partly_refunded", 40_000)
    retried = order.events.filter(kind="refund:requested", detail__retry=1)
    assert retried.get().user == staff


def test_every_attempt_posts_its_own_balanced_ledger_transactions(card_order, staff, cooperative):
    refund = failed_refund(card_order, staff)
    with gateway(FakeGateway(fail=True)):
        refund_retry(refund=refund, actor="cooperative", user=staff)
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.FAILED
    assert account_balance(refunds()) == 0  # nothing owed while no attempt is under way

    with gateway(FakeGateway()):
        refund_retry(refund=refund, actor="cooperative", user=staff)

    keys = set(
        LedgerTransaction.objects.filter(memo=card_order.number).values_list("idempotency_key", flat=True)
    )
    assert {
        f"refund:{refund.pk}:requested",
        f"refund:{refund.pk}:failed",
        f"refund:{refund.pk}:requested:1",
        f"refund:{refund.pk}:failed:1",
        f"refund:{refund.pk}:requested:2",
        f"refund:{refund.pk}:sent",
    } <= keys
    assert account_balance(refunds()) == 0
    total = card_order.total_vnd
    assert account_balance(card_clearing()) == total - 40_000
    assert account_balance(cooperative_payable(cooperative)) == -(total - 40_000)


def test_a_refund_the_order_can_no_longer_take_is_not_sent_again(card_order, staff):
    refund = failed_refund(card_order, staff, amount=card_order.total_vnd)
    # Meanwhile the whole total was refunded another way.
    with gateway(FakeGateway()):
        order_refund(order=card_order, amount_vnd=card_order.total_vnd, actor="cooperative", user=staff)

    with gateway(FakeGateway()) as patched, pytest.raises(ValidationError):
        refund_retry(refund=refund, actor="cooperative", user=staff)

    assert patched.return_value.keys == []
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.FAILED


def test_a_requested_card_refund_is_simply_sent(card_order, staff):
    refund = order_refund(order=card_order, amount_vnd=10_000, actor="cooperative", user=staff)

    with gateway(FakeGateway()):
        refund = refund_retry(refund=refund, actor="cooperative", user=staff)

    assert refund.status == Refund.Status.SUCCEEDED
    assert not card_order.events.filter(kind="refund:requested", detail__has_key="retry").exists()


def test_done_refunds_and_transfer_refunds_are_not_sent(card_order, staff, cooperative):
    refund = order_refund(order=card_order, amount_vnd=10_000, actor="cooperative", user=staff)
    with gateway(FakeGateway()):
        refund_send(refund=refund)
    with pytest.raises(ValidationError):
        refund_retry(refund=refund, actor="cooperative", user=staff)

    product = factories.product(cooperative=cooperative, price_vnd=50_000, stock=5)
    transfer = mf.purchase(factories.user(), [(product, 1)]).orders.get()
    order_mark_paid(order=transfer, actor="bank")
    asked = order_refund(order=transfer, amount_vnd=5_000, actor="cooperative", user=staff)
    with pytest.raises(ValidationError):
        refund_retry(refund=asked, actor="cooperative", user=staff)


# --- against the real client: localstripe, and the recording stub for the idempotency key ------


def _paid_card_order(price_vnd=200_000):
    staff = factories.user()
    cooperative = factories.cooperative(staff=[staff])
    mf.terms(cooperative)
    product = factories.product(cooperative=cooperative, price_vnd=price_vnd, stock=4)
    purchase = mf.purchase(factories.user(), [(product, 1)], method="card")
    intent = purchase_start_card_payment(purchase=purchase)
    return purchase, intent, staff


def test_staff_send_a_refund_stripe_could_not_take_again_from_the_order_page(
    card_settings, localstripe, client, settings, django_capture_on_commit_callbacks
):
    purchase, intent, staff = _paid_card_order()
    paid = pay_intent(localstripe, intent.id)
    purchase_card_paid(purchase=purchase, amount_vnd=paid["amount"], currency=paid["currency"])
    order = purchase.orders.get()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: the processor cannot be reached
    with django_capture_on_commit_callbacks(execute=True):
        refund = order_refund(order=order, amount_vnd=50_000, actor="cooperative", user=staff)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    settings.STRIPE_API_BASE = localstripe
    client.force_login(staff)

    response = client.post(reverse("marketplace_order_refund", args=[order.number, refund.pk, "retry"]))

    assert response.status_code == 302
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.stripe_refund.startswith("re_")
    assert (order.payment_status, order.refunded_vnd) == (Order.PaymentStatus.PARTLY_REFUNDED, 50_000)
    assert account_balance(refunds()) == 0
    assert account_balance(card_clearing()) == order.total_vnd - 50_000


def test_a_retried_refund_reaches_stripe_with_the_same_idempotency_key(settings, stripe_stub):
    settings.STRIPE_SECRET_KEY = "sk_test_stub"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_stub"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_stub"
    settings.STRIPE_API_BASE = stripe_stub.url
    purchase, _intent, staff = _paid_card_order(price_vnd=150_000)
    purchase_card_paid(purchase=purchase, amount_vnd=purchase.total_vnd, currency="vnd")
    order = purchase.orders.get()
    refund = order_refund(order=order, amount_vnd=20_000, actor="cooperative", user=staff)
    stripe_stub.fail_with, stripe_stub.fail_times = 402, 1  # a card error: not retried by the client
    refund = refund_send(refund=refund)
    assert refund.status == Refund.Status.FAILED

    refund = refund_retry(refund=refund, actor="cooperative", user=staff)

    assert refund.status == Refund.Status.SUCCEEDED
    sent = [r for r in stripe_stub.requests if r.method == "POST" and r.path.startswith("/v1/refunds")]
    assert [r.header("Idempotency-Key") for r in sent] == [f"refund-{refund.pk}"] * 2
