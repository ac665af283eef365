"""The development route that pays on localstripe: the buyer's own intent, DEBUG and loopback only."""

import pytest

from marketplace.services.payments import purchase_start_card_payment
from tests import factories
from tests.factories import marketplace as mf
from tests.marketplace.stripe_helpers import DECLINED, VISA

pytestmark = pytest.mark.django_db
URL = "/payments/dev/test-card/"


@pytest.fixture
def started(card_settings):
    cooperative = factories.cooperative()
    mf.terms(cooperative)
    product = factories.product(cooperative=cooperative, price_vnd=90_000, stock=3)
    buyer = factories.user()
    purchase = mf.purchase(buyer, [(product, 1)], method="card")
    return buyer, purchase_start_card_payment(purchase=purchase)


def pay(client, intent, number=VISA):
    card = {"client_secret": intent.client_secret, "number": number, "exp_month": "12", "exp_year": "2030"}
    return client.post(URL, data=card | {"cvc": "123"}, content_type="application/json")


def test_the_buyer_pays_with_a_test_card_in_debug(client, settings, started):
    settings.DEBUG = True
    buyer, intent = started
    client.force_login(buyer)
    assert pay(client, intent).json() == {"status": "succeeded"}


def test_a_declined_card_says_so(client, settings, started):
    settings.DEBUG = True
    buyer, intent = started
    client.force_login(buyer)
    assert pay(client, intent, DECLINED).json() == {"status": "requires_payment_method"}


def test_refused_to_others_outside_debug_and_for_real_stripe(client, settings, started):
    buyer, intent = started
    settings.DEBUG = True
    assert pay(client, intent).status_code == 404  # anonymous
    client.force_login(factories.user())
    assert pay(client, intent).status_code == 404  # another buyer
    client.force_login(buyer)
    assert client.post(URL, data=b"not json", content_type="application/json").status_code == 400
    settings.DEBUG = False
    assert pay(client, intent).status_code == 404
    settings.DEBUG = True
    settings.STRIPE_API_BASE = "https://api.stripe.com"
    assert pay(client, intent).status_code == 404
