"""The e-trading floor's demo: terms of sale, buyers, an order in every state, last month's content."""

import datetime
import importlib.util
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import CooperativeTerms, ProductInventory
from demo.accounts import DEMO_PASSWORD
from demo.build import build_demo
from demo.data.marketplace import BUYERS
from marketplace.ledger.models import LedgerPosting, LedgerTransaction
from marketplace.models import Order, OrderEvent, Payout, Purchase, Refund
from marketplace.payments.banks import BANKS

pytestmark = pytest.mark.django_db
SMALL = {"cooperatives_per_province": 1, "products_per_cooperative": 2, "images": False, "fairs": False}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def last_month() -> tuple[datetime.datetime, datetime.datetime]:
    now = timezone.localtime()
    end = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (end - datetime.timedelta(days=1)).replace(day=1), end


def states() -> set[tuple[str, str, str]]:
    return set(Order.objects.values_list("status", "payment_status", "payment_method"))


def counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "terms": CooperativeTerms.objects.count(),
        "purchases": Purchase.objects.count(),
        "orders": Order.objects.count(),
        "events": OrderEvent.objects.count(),
        "refunds": Refund.objects.count(),
        "ledger": LedgerTransaction.objects.count(),
        "stock": sum(ProductInventory.objects.exclude(stock=None).values_list("stock", flat=True)),
    }


def test_demo_orders_cover_every_state_across_last_month_and_a_second_run_adds_nothing():
    first = build_demo(**SMALL)
    after_first = counts()

    # Terms of sale: every cooperative has a bank account at a known bank; one refuses cash.
    terms = list(CooperativeTerms.objects.all())
    assert len(terms) == 34
    assert all(t.bank_bin in BANKS and t.bank_account.isdigit() and t.bank_account_name for t in terms)
    assert {t.shipping for t in terms} == {"pickup", "flat", "free_above"}
    assert [t.cooperative.province_id for t in terms if not t.cash_on_delivery] == ["68"]

    # The demo buyers sign in with the demo password.
    for account in BUYERS:
        assert get_user_model().objects.get(email=account.email).check_password(DEMO_PASSWORD)

    # One order in every state (card states need card payment configured: see the next test).
    assert {
        ("placed", "unpaid", "vietqr"),
        ("placed", "unpaid", "cod"),
        ("placed", "paid", "vietqr"),
        ("confirmed", "paid", "vietqr"),
        ("shipped", "paid", "vietqr"),
        ("delivered", "paid", "cod"),
        ("completed", "paid", "vietqr"),
        ("completed", "paid", "cod"),
        ("cancelled", "unpaid", "vietqr"),
        ("cancelled", "refunded", "vietqr"),
    } <= states()
    shipped = Order.objects.filter(status="shipped").exclude(shipping_method="pickup")
    assert shipped
    assert all(order.carrier and order.tracking_number for order in shipped)
    for expired in Order.objects.filter(expired=True):
        assert expired.events.get(kind="status:cancelled").actor == OrderEvent.Actor.SYSTEM
    by_buyer = Order.objects.get(status="cancelled", expired=False, payment_status="unpaid")
    assert by_buyer.events.get(kind="status:cancelled").actor == OrderEvent.Actor.BUYER
    refunded = Order.objects.get(payment_status="refunded")
    assert refunded.cancel_reason
    assert refunded.events.get(kind="status:cancelled").actor == OrderEvent.Actor.COOPERATIVE
    assert refunded.refunds.get().status == Refund.Status.SUCCEEDED
    assert refunded.refunds.get().reference
    for waiting in Order.objects.filter(status="placed", payment_status="unpaid", payment_method="vietqr"):
        assert waiting.hold_until > timezone.now()

    # Last month has sales, payments and the refund; each order's events keep their order in time.
    start, end = last_month()
    in_month = Order.objects.filter(created_at__gte=start, created_at__lt=end)
    assert in_month.exclude(status="cancelled").count() >= 4
    paid = OrderEvent.objects.filter(kind="payment:paid", at__gte=start, at__lt=end)
    assert {event.order.payment_method for event in paid} == {"vietqr", "cod"}
    assert OrderEvent.objects.filter(
        kind="payment:refunded", at__gte=start, at__lt=end + datetime.timedelta(days=2)
    )
    assert not OrderEvent.objects.filter(at__gt=timezone.now()).exists()
    for order in Order.objects.prefetch_related("events"):
        times = [event.at for event in order.events.all()]
        assert times == sorted(times)
        assert times[0] == order.created_at == order.purchase.created_at

    assert first.created["orders"] == after_first["orders"]
    second = build_demo(**SMALL)
    assert "orders" not in second.created
    assert "terms of sale" not in second.created
    assert counts() == after_first


class FakeCardGateway:
    """Stands in for the Stripe gateway: the demo only asks it for a PaymentIntent."""

    def create_intent(self, *, amount_vnd, idempotency_key, **_details):
        return SimpleNamespace(
            id=f"pi_demo_{idempotency_key}", client_secret="secret", status="requires_payment_method"
        )

    def retrieve_intent(self, intent_id):
        raise AssertionError("the demo creates intents only")


@pytest.fixture
def card_payment(settings, monkeypatch):
    # Card payment configured, with the gateway behind `card_gateway()` replaced. Patching
    # `card_gateway` itself would leak: a module first imported during this test (the URLconf's
    # views) would keep the fake for every later test in the process.
    settings.STRIPE_SECRET_KEY = "sk_test_demo"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_demo"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_demo"
    gateway = FakeCardGateway()
    monkeypatch.setattr("marketplace.payments.card._gateway", lambda *_settings: gateway)


def test_with_card_payment_the_demo_has_card_orders_paid_and_pending(card_payment):
    build_demo(**SMALL)

    assert {
        ("completed", "paid", "card"),
        ("delivered", "paid", "card"),
        ("placed", "pending", "card"),
    } <= states()
    start, end = last_month()
    payable = LedgerPosting.objects.filter(
        account__code__endswith=":payable",
        transaction__created_at__gte=start,
        transaction__created_at__lt=end,
    )
    assert payable.exists()
    if importlib.util.find_spec("marketplace.services.payouts") is None:
        pytest.skip("payouts come with marketplace/services/payouts.py (branch statements)")
    payout = Payout.objects.get()
    assert start <= payout.created_at < end
    assert payout.amount_vnd > 0
