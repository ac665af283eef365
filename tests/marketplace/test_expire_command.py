import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.models import Cart, Order
from tests import factories
from tests.factories import marketplace as mf

pytestmark = pytest.mark.django_db


def test_command_expires_overdue_orders_and_old_visitor_carts(settings):
    cooperative = factories.cooperative()
    mf.terms(cooperative)
    product = factories.product(cooperative=cooperative, price_vnd=10_000, stock=3)
    order = mf.purchase(factories.user(), [(product, 1)]).orders.get()
    Order.objects.filter(pk=order.pk).update(hold_until=timezone.now() - datetime.timedelta(minutes=1))
    fresh = Cart.objects.create()
    stale = Cart.objects.create()
    Cart.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - datetime.timedelta(days=31))

    out = io.StringIO()
    call_command("expire_unpaid_orders", stdout=out)
    assert out.getvalue().strip() == "expired 1, carts deleted 1"
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert set(Cart.objects.filter(user__isnull=True).values_list("pk", flat=True)) == {fresh.pk}
