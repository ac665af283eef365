"""Traded prices for the market-information tests: accepted quotes made directly with the models
(the quote services are written elsewhere at the same time), and orders paid through the services."""

import datetime
import types

import pytest
from django.utils import timezone

from catalog.models import Category
from marketplace.models import Order, Quote, QuoteLine, QuoteRevision
from marketplace.services.payments import order_mark_paid
from tests import factories
from tests.factories import marketplace as mf
from tests.factories import rfqs


def months_ago(n: int) -> datetime.datetime:
    """The 15th, at noon, of the month `n` months before this one (site time)."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - n
    return datetime.datetime(index // 12, index % 12 + 1, 15, 12, tzinfo=timezone.get_current_timezone())


def month_label(n: int) -> str:
    return f"{months_ago(n):%Y-%m}"


def accepted_quote(cooperative, lines, *, when=None, rfq_category: str | None = "food-rice", old_lines=()):
    """An accepted quote of `cooperative`, accepted `when` (now if None): `lines` are (product or None,
    unit, unit price, quantity) on its latest revision; `old_lines` (same shape) on an earlier revision
    the buyer did not accept."""
    rfq = rfqs.rfq(category=Category.objects.get(slug=rfq_category) if rfq_category else None)
    revisions = [old_lines, lines] if old_lines else [lines]
    quote = Quote.objects.create(
        rfq=rfq,
        cooperative=cooperative,
        status=Quote.Status.ACCEPTED,
        revision=len(revisions),
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
        accepted_at=when or timezone.now(),
    )
    for number, revision_lines in enumerate(revisions, start=1):
        total = sum(price * quantity for _, _, price, quantity in revision_lines)
        revision = QuoteRevision.objects.create(
            quote=quote,
            number=number,
            valid_until=quote.valid_until,
            lead_time_days=7,
            payment_terms="transfer",
            subtotal_vnd=total,
            total_vnd=total,
        )
        for product, unit, price, quantity in revision_lines:
            QuoteLine.objects.create(
                revision=revision,
                product=product,
                description=product.title if product else "Gạo ST25",
                quantity=quantity,
                unit=unit,
                unit_price_vnd=price,
                vat_rate="5",
                line_total_vnd=price * quantity,
            )
    return quote


def order_of(product, quantity: int) -> Order:
    """An unpaid order for `quantity` of `product`, checked out by transfer by a new buyer."""
    return mf.purchase(factories.user(), [(product, quantity)], method="vietqr").orders.get()


def paid_order(product, quantity: int, *, when=None) -> Order:
    """An order of `product` paid by bank transfer (the bank statement's report), paid at `when`."""
    order = order_of(product, quantity)
    order_mark_paid(order=order, actor="bank", reference="FT1")
    if when is not None:
        order.events.filter(kind="payment:paid").update(at=when)
    return order


@pytest.fixture
def seller():
    """A maker of cooperatives selling rice (food-rice, by the kg) in a province, with bank terms."""

    def make(province: str = "01", *, price_vnd: int = 30_000, unit: str = "kg", category: str = "food-rice"):
        cooperative = factories.cooperative(province=province)
        mf.terms(cooperative, shipping="pickup")
        product = factories.product(
            cooperative=cooperative, category=category, unit=unit, price_vnd=price_vnd, stock=10_000
        )
        return types.SimpleNamespace(cooperative=cooperative, product=product)

    return make
