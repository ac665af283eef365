"""Fixtures for the buyer's pages: two cooperatives with products, a buyer, their orders.

Everything is built through the services (tests/factories), as production builds it.
"""

from types import SimpleNamespace

import pytest

from catalog.models import Category
from catalog.places import resolve_province
from tests import factories
from tests.factories import marketplace as mf
from tests.factories import quotes as qf
from tests.factories import rfqs


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


# --- the supply–demand pages (test_rfq_*.py) ---------------------------------------------------


@pytest.fixture
def b2b(db):
    """A named buyer's public RFQ for rice delivered to Hà Nội, two cooperatives that may quote on it
    (each with one staff member, `.quoter`), and a cooperative that is not part of it."""
    buyer = factories.user(
        email="sieuthi@example.org", first_name="Thảo Vy", last_name="Phùng", organisation="Siêu thị Xanh Lá"
    )
    rice = qf.quoting_cooperative(name="HTX Gạo Sóc Trăng", province="01")
    tea = qf.quoting_cooperative(name="HTX Chè Tân Cương", province="19")
    outsider = qf.quoting_cooperative(name="HTX Cà phê Cầu Đất", province="68")
    st25 = factories.product(
        cooperative=rice, name="Gạo ST25", category="food-rice", unit="tấn", price_vnd=20_000_000, stock=5
    )
    rfq = rfqs.rfq(
        buyer,
        title="Gạo ST25",
        quantity=10,
        unit="tấn",
        target_price_vnd=19_000_000,
        category=Category.objects.get(slug="food-rice"),
        delivery_province=resolve_province("01"),
        required_certifications=["vietgap"],
        min_ocop_stars=3,
    )
    return SimpleNamespace(buyer=buyer, rice=rice, tea=tea, outsider=outsider, st25=st25, rfq=rfq)
