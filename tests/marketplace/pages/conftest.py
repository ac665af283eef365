"""Fixtures for the buyer's pages: two cooperatives with products, a buyer, their orders.

Everything is built through the services (tests/factories), as production builds it.
"""

from types import SimpleNamespace

import pytest

from tests import factories
from tests.factories import marketplace as mf


@pytest.fixture
def shop(db):
    staff = factories.user(email="htx-staff@example.org")
    first = factories.cooperative(name="HTX Mật ong Mộc Châu", staff=[staff])
    second = factories.cooperative(name="HTX Nước mắm Phú Quốc", province="79")
    mf.terms(first, shipping="flat", shipping_fee_vnd=30_000)
    mf.terms(second, shipping="free_above", shipping_fee_vnd=40_000, free_shipping_from_vnd=500_000)
    honey = factories.product(cooperative=first, name="Mật ong bạc hà", price_vnd=200_000, stock=10)
    sauce = factories.product(
        cooperative=second, name="Nước mắm 40 độ đạm", price_vnd=150_000, stock=5, min_order_qty=1
    )
    return SimpleNamespace(first=first, second=second, honey=honey, sauce=sauce, staff=staff)


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client
