"""Reading quotes: who sees which, the comparison's figures, and a fixed number of queries."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import CooperativeCertification, CooperativePage, Province
from marketplace.models import BuyerDemand, Quote
from marketplace.selectors import quotes as selectors
from marketplace.services.quotes import rfq_message_post
from tests import factories
from tests.factories import quotes as qf
from tests.factories import rfqs

pytestmark = pytest.mark.django_db


def certify(cooperative, scheme: str, *, valid_until=None) -> None:
    """Certifications are edited on the cooperative's page (there is no service): as the admin does."""
    cooperative.certifications.add(
        CooperativeCertification(
            scheme=scheme,
            number=f"{scheme}-1",
            valid_from=timezone.localdate() - datetime.timedelta(days=100),
            valid_until=valid_until,
        )
    )
    cooperative.save_revision().publish()


def test_the_buyer_sees_every_quote_a_cooperative_its_own_and_others_none(trade):
    qf.quote(trade.rfq, trade.rice)
    qf.quote(trade.rfq, trade.tea)

    assert len(selectors.quote_views(trade.buyer, trade.rfq)) == 2
    assert [v.quote.cooperative_id for v in selectors.quote_views(trade.tea.quoter, trade.rfq)] == [
        trade.tea.pk
    ]
    for outsider in (factories.user(), AnonymousUser()):
        with pytest.raises(BuyerDemand.DoesNotExist):
            selectors.quote_views(outsider, trade.rfq)


def test_a_quote_is_found_only_by_its_buyer_and_its_cooperative(trade):
    quote = qf.quote(trade.rfq, trade.rice)

    assert selectors.quote_for(trade.buyer, quote.pk) == quote
    assert selectors.quote_for(trade.rice.quoter, quote.pk) == quote
    for outsider in (trade.tea.quoter, factories.user(), AnonymousUser()):
        with pytest.raises(Quote.DoesNotExist):
            selectors.quote_for(outsider, quote.pk)
    for bad in (0, -1, 2**63, "1", None, True):
        with pytest.raises(Quote.DoesNotExist):
            selectors.quote_for(trade.buyer, bad)


def test_an_invited_only_rfq_is_not_found_by_outsiders(trade):
    rfq = rfqs.rfq(trade.buyer, visibility="invited", invite=[trade.rice])

    assert selectors.rfq_for(trade.rice.quoter, rfq.pk) == rfq
    with pytest.raises(BuyerDemand.DoesNotExist):
        selectors.rfq_for(trade.tea.quoter, rfq.pk)
    demand = BuyerDemand.objects.create(buyer=trade.buyer, kind="fair", title="Chè", quantity=1, unit="kg")
    with pytest.raises(BuyerDemand.DoesNotExist):
        selectors.rfq_for(trade.buyer, demand.pk)  # a fair demand is not an RFQ


def test_the_comparison_gives_price_per_unit_stars_certifications_and_distance(trade):
    today = timezone.localdate()
    BuyerDemand.objects.filter(pk=trade.rfq.pk).update(delivery_province=Province.objects.get(pk="79"))
    trade.rfq.refresh_from_db()
    starred = factories.product(
        cooperative=trade.rice, name="Gạo ST25 OCOP", unit="tấn", ocop=factories.ocop(stars=4)
    )
    factories.product(cooperative=trade.tea, name="Chè", unit="kg", ocop=factories.ocop(stars=5))
    factories.product(
        cooperative=trade.tea,
        name="Chè cũ",
        unit="kg",
        ocop=factories.ocop(stars=3, issued_on=today - datetime.timedelta(days=2000)),  # long expired
    )
    certify(trade.rice, "vietgap")
    certify(trade.rice, "organic", valid_until=today - datetime.timedelta(days=1))  # expired: not shown
    qf.quote(
        trade.rfq,
        trade.rice,
        qf.line(starred, quantity=6, unit_price_vnd=18_000_000),
        qf.line(quantity=4, unit_price_vnd=20_000_000),
    )
    qf.quote(
        trade.rfq, trade.tea, qf.line(quantity=10, unit_price_vnd=21_000_000), qf.line(unit="kg", quantity=5)
    )

    rice, tea = selectors.quote_views(trade.buyer, trade.rfq)

    assert (rice.unit, rice.per_unit_vnd, rice.within_target) == ("tấn", 18_800_000, True)
    assert (rice.quoted_stars, rice.cooperative_stars) == (4, 4)
    assert rice.certifications == ["vietgap"]
    assert 1_100 < rice.distance_km < 1_200  # Hà Nội to Hồ Chí Minh
    assert (tea.unit, tea.per_unit_vnd, tea.within_target) == (None, None, None)  # tấn and kg do not add up
    assert (tea.quoted_stars, tea.cooperative_stars) == (None, 5)
    assert tea.certifications == []


def test_no_delivery_province_means_no_distance(trade):
    qf.quote(trade.rfq, trade.rice)
    (view,) = selectors.quote_views(trade.buyer, trade.rfq)
    assert view.distance_km is None
    assert selectors.distance_km("01", "01") == 0
    assert selectors.distance_km("01", "zz") is None


def test_listing_quotes_costs_the_same_queries_for_two_or_twelve(trade):
    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            views = selectors.quote_views(trade.buyer, trade.rfq)
            for view in views:
                for revision in view.revisions:
                    [(line.product and line.product.valid_stars) for line in revision.lines.all()]
                view.quote.cooperative.province.name  # noqa: B018 - read as the API does
                view.quote.order  # noqa: B018
        return len(queries)

    for cooperative in (trade.rice, trade.tea):
        qf.quote(trade.rfq, cooperative, qf.line(trade.st25) if cooperative == trade.rice else qf.line())
        qf.quote(trade.rfq, cooperative)
    few = measure()
    for _ in range(10):
        cooperative = qf.quoting_cooperative()
        product = factories.product(cooperative=cooperative, unit="tấn", ocop=factories.ocop(stars=3))
        qf.quote(trade.rfq, cooperative, qf.line(product), qf.line())
        qf.quote(trade.rfq, cooperative, qf.line(product), qf.line(), qf.line())
    assert Quote.objects.count() == 12
    assert measure() == few
    assert few <= 7, few


def test_a_thread_is_for_its_two_sides_and_the_buyer_names_the_cooperative(trade):
    assert selectors.thread_cooperative(trade.buyer, trade.rfq, trade.rice.tax_code) == trade.rice
    assert selectors.thread_cooperative(trade.rice.quoter, trade.rfq, None) == trade.rice
    with pytest.raises(ValidationError):
        selectors.thread_cooperative(trade.buyer, trade.rfq, None)
    for who, code in (
        (trade.tea.quoter, trade.rice.tax_code),
        (factories.user(), trade.rice.tax_code),
        (trade.buyer, "not a code"),
        (trade.buyer, factories.tax_code()),
    ):
        with pytest.raises(CooperativePage.DoesNotExist):
            selectors.thread_cooperative(who, trade.rfq, code)


def test_reading_a_thread_is_one_query_whatever_its_length(trade):
    for n in range(15):
        rfq_message_post(user=trade.buyer, rfq=trade.rfq, cooperative=trade.rice, body=f"Tin {n}")
    with CaptureQueriesContext(connection) as queries:
        bodies = [m.body for m in selectors.thread_messages(trade.rfq, trade.rice)]
    assert len(bodies) == 15
    assert len(queries) == 1
