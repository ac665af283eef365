"""Quotes for tests, sent through marketplace.services.quotes (as production does)."""

import datetime

from django.utils import timezone

from marketplace.models import Quote
from marketplace.services.quotes import QuoteData, QuoteLineData, quote_submit
from tests import factories
from tests.factories import marketplace as mf


def quoting_cooperative(*, bank: bool = True, **fields):
    """A cooperative with one staff member (`.quoter`) and, by default, a bank account for transfers."""
    quoter = factories.user()
    cooperative = factories.cooperative(staff=[quoter], **fields)
    mf.terms(cooperative, bank=bank)
    cooperative.quoter = quoter
    return cooperative


def line(product=None, *, quantity: int = 2, unit_price_vnd: int = 18_000_000, **fields) -> QuoteLineData:
    """A line for a listed product, or free text (a description, the RFQ's unit, VAT not subject)."""
    if product is not None:
        return QuoteLineData(quantity=quantity, unit_price_vnd=unit_price_vnd, sku=product.sku, **fields)
    fields = {"description": "Gạo ST25 đóng bao 50 kg", "vat_rate": "kct"} | fields
    return QuoteLineData(quantity=quantity, unit_price_vnd=unit_price_vnd, **fields)


def data(
    *lines: QuoteLineData,
    valid_days: int = 30,
    lead_time_days: int = 14,
    payment_terms: str = "transfer",
    **fields,
) -> QuoteData:
    return QuoteData(
        lines=list(lines) or [line()],
        valid_until=timezone.localdate() + datetime.timedelta(days=valid_days),
        lead_time_days=lead_time_days,
        payment_terms=payment_terms,
        **fields,
    )


def quote(rfq, cooperative, *lines: QuoteLineData, user=None, **terms) -> Quote:
    """The cooperative's quote on `rfq` (a new revision when it has quoted already)."""
    return quote_submit(
        user=user or cooperative.quoter, rfq=rfq, cooperative=cooperative, data=data(*lines, **terms)
    )
