"""POST /payments/stripe/webhook/: verified, recorded once, never moving a payment backwards.

The card processor is localstripe (a separate process); the events are signed here the way Stripe
signs them, since localstripe sends each event only once and a replay must be forced.
"""

import itertools
import json
import time

import pytest
from django.core import mail
from django.urls import reverse

from marketplace.ledger.models import LedgerTransaction
from marketplace.models import Order, StripeEvent
from marketplace.services.payments import purchase_start_card_payment
from tests import factories
from tests.factories import marketplace as mf
from tests.marketplace.stripe_helpers import DECLINED, WEBHOOK_SECRET, pay_intent, sign_webhook

pytestmark = pytest.mark.django_db
URL = "/payments/stripe/webhook/"


def card_purchase(buyer=None, *, cooperatives=1):
    lines = []
    for _n in range(cooperatives):
        cooperative = factories.cooperative()
        mf.terms(cooperative)
        lines.append((factories.product(cooperative=cooperative, price_vnd=150_000, stock=5), 1))
    return mf.purchase(buyer or factories.user(), lines, method="card")


def event(kind: str, intent_id: str, event_id: str) -> bytes:
    body = {"id": event_id, "type": kind, "data": {"object": {"id": intent_id, "object": "payment_intent"}}}
    return json.dumps(body).encode()


def deliver(client, payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp=None, body=None):
    return client.post(
        URL,
        data=payload if body is None else body,
        content_type="application/json",
        headers={"Stripe-Signature": sign_webhook(payload, secret, timestamp)},
    )


SUCCEEDED = ("succeeded", "succeeded", "succeeded", "failed")


@pytest.mark.parametrize("sequence", sorted(set(itertools.permutations(SUCCEEDED))))
def test_three_successes_and_a_stale_failure_pay_once(
    client, card_settings, localstripe, sequence, django_capture_on_commit_callbacks
):
    purchase = card_purchase(cooperatives=2)
    intent = purchase_start_card_payment(purchase=purchase)
    assert set(purchase.orders.values_list("payment_status", flat=True)) == {"pending"}
    pay_intent(localstripe, intent.id)
    mail.outbox.clear()

    for step in sequence:
        kind = "payment_intent.succeeded" if step == "succeeded" else "payment_intent.payment_failed"
        with django_capture_on_commit_callbacks(execute=True):
            response = deliver(client, event(kind, intent.id, f"evt_{step}_{purchase.pk}"))
        assert response.status_code == 200

    for order in purchase.orders.all():
        assert order.payment_status == Order.PaymentStatus.PAID
        assert order.events.filter(kind="payment:paid").count() == 1
        assert LedgerTransaction.objects.filter(idempotency_key=f"order:{order.pk}:paid").count() == 1
    assert StripeEvent.objects.count() == 2
    to_buyer = [m for m in mail.outbox if m.to == [purchase.buyer.email]]
    assert len(to_buyer) == 2  # one "payment received" per order, whatever the deliveries


def test_ledger_moves_card_money_to_the_cooperatives(client, card_settings, localstripe, settings):
    settings.PLATFORM_COMMISSION_PERCENT = "10"
    purchase = card_purchase()
    intent = purchase_start_card_payment(purchase=purchase)
    pay_intent(localstripe, intent.id)
    deliver(client, event("payment_intent.succeeded", intent.id, "evt_ledger"))
    order = purchase.orders.get()
    postings = dict(
        LedgerTransaction.objects.get(idempotency_key=f"order:{order.pk}:paid").postings.values_list(
            "account__code", "amount_vnd"
        )
    )
    assert postings == {
        "card_clearing": order.total_vnd,
        f"coop:{order.cooperative.tax_code}:payable": -(order.total_vnd - 15_000),
        "platform_commission": -15_000,
    }


def test_a_declined_card_returns_the_orders_to_unpaid(client, card_settings, localstripe):
    purchase = card_purchase()
    intent = purchase_start_card_payment(purchase=purchase)
    pay_intent(localstripe, intent.id, card_number=DECLINED)
    deliver(client, event("payment_intent.payment_failed", intent.id, "evt_declined"))
    assert purchase.orders.get().payment_status == Order.PaymentStatus.UNPAID


def test_the_payload_status_is_not_trusted(client, card_settings, localstripe):
    """A correctly signed "succeeded" for an intent that has not been paid changes nothing."""
    purchase = card_purchase()
    intent = purchase_start_card_payment(purchase=purchase)
    deliver(client, event("payment_intent.succeeded", intent.id, "evt_lie"))
    assert purchase.orders.get().payment_status == Order.PaymentStatus.PENDING


@pytest.mark.parametrize("attack", ["bad_secret", "altered_body", "stale", "no_header", "garbage"])
def test_bad_signatures_are_refused_and_change_nothing(client, card_settings, localstripe, attack):
    purchase = card_purchase()
    intent = purchase_start_card_payment(purchase=purchase)
    pay_intent(localstripe, intent.id)
    payload = event("payment_intent.succeeded", intent.id, "evt_attack")
    if attack == "bad_secret":
        response = deliver(client, payload, secret="whsec_wrong")
    elif attack == "altered_body":
        response = deliver(client, payload, body=payload.replace(b"evt_attack", b"evt_attacX"))
    elif attack == "stale":
        response = deliver(client, payload, timestamp=int(time.time()) - 3600)
    elif attack == "no_header":
        response = client.post(URL, data=payload, content_type="application/json")
    else:
        response = client.post(
            URL,
            data=b"\xff" * 100,
            content_type="application/json",
            headers={"Stripe-Signature": "t=1,v1=00"},
        )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not StripeEvent.objects.exists()
    assert purchase.orders.get().payment_status == Order.PaymentStatus.PENDING


def test_get_and_unconfigured_are_refused(client, settings):
    assert client.get(URL).status_code == 405
    settings.STRIPE_SECRET_KEY = ""
    assert client.post(URL, data=b"{}", content_type="application/json").status_code == 400
    assert reverse("stripe_webhook") == URL
