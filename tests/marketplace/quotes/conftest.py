"""A buyer's request for quotation and two cooperatives that may quote on it."""

from dataclasses import dataclass

import pytest

from tests import factories
from tests.factories import quotes as qf
from tests.factories import rfqs


@dataclass
class Trade:
    buyer: object
    rfq: object
    rice: object  # cooperative in Hà Nội, lists `st25`
    tea: object  # cooperative in Thái Nguyên
    st25: object


@pytest.fixture
def trade(db):
    buyer = factories.user(email="sieuthi@example.org")
    rice = qf.quoting_cooperative(name="HTX Gạo Sóc Trăng", province="01")
    tea = qf.quoting_cooperative(name="HTX Chè Tân Cương", province="19")
    st25 = factories.product(cooperative=rice, name="Gạo ST25", unit="tấn", price_vnd=20_000_000, stock=5)
    rfq = rfqs.rfq(buyer, title="Gạo ST25", quantity=10, unit="tấn", target_price_vnd=19_000_000)
    return Trade(buyer=buyer, rfq=rfq, rice=rice, tea=tea, st25=st25)
