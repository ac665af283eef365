"""`load_smoke_data`: the production smoke test's smallest shop, usable by a VietQR checkout, made once."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from catalog.models import CooperativePage, ProductPage
from demo.accounts import DEMO_PASSWORD
from marketplace.models import Order
from tests.factories import marketplace as mf

pytestmark = pytest.mark.django_db


def load() -> dict:
    out = io.StringIO()
    call_command("load_smoke_data", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_smoke_shop_can_be_bought_from_by_transfer_and_is_made_once(client):
    made = load()
    again = load()

    assert made == again
    assert (CooperativePage.objects.count(), ProductPage.objects.count()) == (1, 1)
    assert get_user_model().objects.filter(email=made["buyer"]).count() == 1
    assert made["password"] == DEMO_PASSWORD
    assert client.get(made["product_url"]).status_code == 200
    assert client.login(email=made["buyer"], password=made["password"])

    buyer = get_user_model().objects.get(email=made["buyer"])
    purchase = mf.purchase(buyer, [(ProductPage.objects.get(sku=made["product_sku"]), 2)], method="vietqr")
    order = purchase.orders.get()
    assert order.payment_status == Order.PaymentStatus.UNPAID
    assert (order.bank_account, order.total_vnd) == ("0071000999990", 2 * 180_000 + 30_000)
