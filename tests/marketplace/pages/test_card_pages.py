"""Paying by card: the Payment Element page and the return page, against localstripe (no mocks).

These need the `card_settings` fixture (tests/marketplace/conftest.py, from the card-payment work),
which starts localstripe on 127.0.0.1 and points the STRIPE_* settings at it. Where that fixture
or localstripe is missing, the tests skip and say why.
"""

import pytest

from marketplace.models import Order, Purchase
from tests.factories import marketplace as mf
from tests.marketplace.pages.helpers import shipping_post, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(request):
    try:
        return request.getfixturevalue("card_settings")
    except pytest.FixtureLookupError:
        pytest.skip("needs the card_settings/localstripe fixture of tests/marketplace/conftest.py")


@pytest.fixture
def stripe_helpers():
    return pytest.importorskip("tests.marketplace.stripe_helpers")


def card_purchase(buyer_client, buyer, shop) -> Purchase:
    mf.cart(buyer, [(shop.honey, 1), (shop.sauce, 1)])
    response = buyer_client.post(url("checkout"), shipping_post(method="card"))
    assert response.status_code == 302
    purchase = Purchase.objects.get()
    assert response.url == url("pay", purchase.orders.order_by("id").first().number)
    return purchase


def test_checkout_offers_card_when_the_processor_is_configured(card, buyer_client, buyer, shop):
    mf.cart(buyer, [(shop.honey, 1)])
    html = buyer_client.get(url("checkout")).content.decode()
    assert 'id="payment-card" value="card" aria-describedby="payment-card-help">' in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_card_page_mounts_the_payment_element(card, buyer_client, buyer, shop, language):
    purchase = card_purchase(buyer_client, buyer, shop)
    order = purchase.orders.order_by("id").first()
    response = buyer_client.get(url("pay", order.number, language=language))
    html = response.content.decode()
    purchase.refresh_from_db()
    assert response.status_code == 200
    assert f'<script src="{card.STRIPE_JS_URL}">' in html
    assert f'data-publishable-key="{card.STRIPE_PUBLISHABLE_KEY}"' in html
    assert purchase.payment_intent
    assert f'data-client-secret="{purchase.payment_intent}_secret' in html
    assert url("card_return", order.number, language=language) in html
    assert set(purchase.orders.values_list("payment_status", flat=True)) == {"pending"}


def test_card_return_marks_the_orders_paid_once(card, stripe_helpers, buyer_client, buyer, shop):
    purchase = card_purchase(buyer_client, buyer, shop)
    order = purchase.orders.order_by("id").first()
    buyer_client.get(url("pay", order.number))
    purchase.refresh_from_db()
    intent = stripe_helpers.pay_intent(card.STRIPE_API_BASE, purchase.payment_intent)
    assert intent["status"] == "succeeded"

    for _ in range(2):  # a reload of the return page changes nothing more
        response = buyer_client.get(url("card_return", order.number) + "?payment_intent=pi_forged")
        assert response.status_code == 302
        assert response.url == url("order", order.number)
    for each in purchase.orders.all():
        assert each.payment_status == Order.PaymentStatus.PAID
        assert each.events.filter(kind="payment:paid").count() == 1


def test_card_return_before_payment_sends_the_buyer_back_to_pay(card, buyer_client, buyer, shop):
    purchase = card_purchase(buyer_client, buyer, shop)
    order = purchase.orders.order_by("id").first()
    buyer_client.get(url("pay", order.number))
    response = buyer_client.get(url("card_return", order.number))
    assert response.status_code == 302
    assert response.url == url("pay", order.number)
    assert not purchase.orders.filter(payment_status="paid").exists()


def test_an_unreachable_processor_shows_a_retry_message(card, buyer_client, buyer, shop, settings):
    purchase = card_purchase(buyer_client, buyer, shop)
    order = purchase.orders.order_by("id").first()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # discard port: nothing answers
    response = buyer_client.get(url("pay", order.number))
    assert response.status_code == 502
    assert url("pay", order.number) in response.content.decode()
    assert not Order.objects.filter(payment_status="paid").exists()
