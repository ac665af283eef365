"""The B2B demo: requests for quotation open, closed, awarded and cancelled across the nine Ecoop
provinces, with invitations, revisions and messages, and six months of accepted quotes whose orders
were paid, at least three cooperatives in every priced category every month."""

import datetime
from collections import defaultdict

import pytest
from django.utils import timezone

from catalog.models import Category
from demo.build import build_demo
from demo.data.fairs import ECOOP_PROVINCES
from demo.data.rfqs import MARKETS
from demo.rfqs import MONTHS
from marketplace.models import BuyerDemand, Order, Quote, QuoteRevision, RfqInvitation, RfqMessage
from marketplace.selectors.market import market_prices

pytestmark = pytest.mark.django_db
SMALL = {"cooperatives_per_province": 1, "products_per_cooperative": 2, "images": False, "fairs": False}
R = BuyerDemand.Status


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def counts() -> dict[str, int]:
    return {
        "rfqs": BuyerDemand.objects.filter(kind=BuyerDemand.Kind.RFQ).count(),
        "quotes": Quote.objects.count(),
        "revisions": QuoteRevision.objects.count(),
        "messages": RfqMessage.objects.count(),
        "invitations": RfqInvitation.objects.count(),
        "orders": Order.objects.count(),
    }


def month_index(moment: datetime.datetime) -> int:
    local = timezone.localtime(moment)
    return local.year * 12 + local.month


def test_the_b2b_demo_trades_six_months_in_every_market_and_a_second_run_adds_nothing():
    build_demo(**SMALL)
    first = counts()
    rfqs = BuyerDemand.objects.filter(kind=BuyerDemand.Kind.RFQ)

    # Open, closed, awarded and cancelled requests, open and closed ones across the nine provinces.
    assert set(rfqs.values_list("status", flat=True)) == {
        R.OPEN,
        R.CLOSED,
        R.AWARDED,
        R.CANCELLED,
    }
    for status in (R.OPEN, R.CLOSED):
        assert set(rfqs.filter(status=status).values_list("delivery_province", flat=True)) == set(
            ECOOP_PROVINCES
        )
    today = timezone.localdate()
    assert all(deadline > today for deadline in rfqs.filter(status=R.OPEN).values_list("deadline", flat=True))
    assert all(
        deadline < today for deadline in rfqs.filter(status=R.CLOSED).values_list("deadline", flat=True)
    )
    assert rfqs.filter(status=R.OPEN, visibility=BuyerDemand.Visibility.INVITED).exists()
    assert first["invitations"] > 0
    assert Quote.objects.filter(revision__gte=2).exists()
    assert first["messages"] > 0
    assert Quote.objects.filter(rfq__status=R.OPEN, status=Quote.Status.SENT).exists()
    assert Quote.objects.filter(rfq__status=R.CLOSED, status=Quote.Status.EXPIRED).exists()
    # buyer@ (README) has quotes to compare.
    assert Quote.objects.filter(rfq__buyer__email="buyer@demo.coop.vn", rfq__status=R.OPEN).count() >= 2

    # Six months of accepted quotes, each with its order paid and received.
    accepted = list(
        Quote.objects.filter(status=Quote.Status.ACCEPTED).select_related("rfq__category", "order")
    )
    this_month = month_index(timezone.now())
    assert {this_month - month_index(q.accepted_at) for q in accepted} == set(range(1, MONTHS + 1))
    assert all(q.order.payment_status == "paid" and q.order.status == "completed" for q in accepted)
    assert all(q.order.created_at == q.accepted_at for q in accepted)
    by_month = defaultdict(set)
    for quote in accepted:
        by_month[(quote.rfq.category.slug, month_index(quote.accepted_at))].add(quote.cooperative_id)
    priced = {category for category, _month in by_month}
    assert len(priced) >= 3
    assert priced <= {market.category for market in MARKETS}
    for category in priced:
        for months_ago in range(1, MONTHS + 1):
            assert len(by_month[(category, this_month - months_ago)]) >= 3, (category, months_ago)
    # Each accepted quote's lines are in the market's unit, so their prices compare.
    units = {market.category: market.unit for market in MARKETS}
    for quote in accepted:
        line = quote.revisions.get(number=quote.revision).lines.get()
        assert line.unit == units[quote.rfq.category.slug]
        assert line.unit_price_vnd > 0

    # What the market prices show: every priced market, every one of the six months, nationwide.
    shown = defaultdict(set)
    for item in market_prices(months=MONTHS + 1, nationwide=True):
        shown[item["category"]].add(item["month"])
    now = timezone.localtime()
    months = {
        f"{(now.year * 12 + now.month - 1 - n) // 12}-{(now.year * 12 + now.month - 1 - n) % 12 + 1:02d}"
        for n in range(1, MONTHS + 1)
    }
    for category in priced:
        assert shown[category] >= months, category
        items = market_prices(
            category=Category.objects.get(slug=category), months=MONTHS + 1, nationwide=True
        )
        assert len({item["month"] for item in items if item["unit"] == units[category]}) >= MONTHS

    again = build_demo(**SMALL)
    assert again.created == {}
    assert counts() == first
