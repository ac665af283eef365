"""Shapes of the quotes API (marketplace/api_quotes.py), strict as marketplace/schemas.py's: whole
numbers are JSON integers within bounds, dates are "YYYY-MM-DD", strings refuse control characters.
"""

import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, StrictInt

from catalog.models.pages import VatRate
from marketplace import pricing
from marketplace.models import PaymentTerms
from marketplace.schemas import CooperativeBriefOut, Quantity, ShippingIn, Text
from marketplace.services import quotes


def _iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ValueError("not a date (YYYY-MM-DD)") from error


IsoDate = Annotated[
    str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="A date, YYYY-MM-DD."), AfterValidator(_iso_date)
]
Amount = Annotated[StrictInt, Field(ge=1, le=pricing.MAX_AMOUNT, description="Whole đồng, VAT included.")]
Terms = Literal[tuple(PaymentTerms.values)]
VatCategory = Literal[tuple(VatRate.values)]


class QuoteLineIn(Schema):
    sku: Text | None = Field(
        None, min_length=1, max_length=64, description="One of your cooperative's listed products."
    )
    description: Text | None = Field(None, max_length=255, description="Goods not listed: what they are.")
    unit: Text | None = Field(
        None, max_length=30, description="Goods not listed: the unit (the RFQ's if left out)."
    )
    quantity: Quantity
    unit_price_vnd: Amount
    vat_category: VatCategory | None = Field(
        None, description="Goods not listed: their VAT rate (kct, 0, 5, 8 or 10). A product's is its own."
    )


class QuoteIn(Schema):
    cooperative: Text | None = Field(
        None,
        max_length=20,
        description="Tax code of the quoting cooperative, needed only when you staff several.",
    )
    lines: list[QuoteLineIn] = Field(..., min_length=1, max_length=quotes.MAX_LINES)
    valid_until: IsoDate
    lead_time_days: Annotated[StrictInt, Field(ge=0, le=quotes.MAX_LEAD_TIME_DAYS)]
    payment_terms: Terms
    deposit_percent: Annotated[StrictInt, Field(ge=1, le=99)] | None = Field(
        None, description="With deposit terms only: the share paid before delivery."
    )
    delivery_terms: Text = Field("", max_length=quotes.MAX_DELIVERY_TERMS)
    note: Text = Field("", max_length=quotes.MAX_NOTE)


class QuoteSentOut(Schema):
    id: int
    revision: int
    total_vnd: int
    status: str


class QuoteLineOut(Schema):
    sku: str
    description: str
    unit: str
    quantity: int
    unit_price_vnd: int
    line_total_vnd: int
    vat_rate: str
    ocop_stars: int | None = Field(description="The listed product's valid OCOP stars, if any.")


class RevisionOut(Schema):
    number: int
    created_at: datetime.datetime
    valid_until: datetime.date
    lead_time_days: int
    delivery_terms: str
    payment_terms: str
    deposit_percent: int | None
    note: str
    subtotal_vnd: int
    total_vnd: int
    lines: list[QuoteLineOut]


class ComparisonOut(Schema):
    unit: str | None = Field(description="The unit all lines share (none when they differ).")
    per_unit_vnd: int | None = Field(description="The total over the quantity, in that unit.")
    within_target: bool | None = Field(description="At or below the RFQ's target price per unit.")
    quoted_ocop_stars: int | None = Field(description="Best valid OCOP stars among the quoted products.")
    cooperative_ocop_stars: int | None = Field(description="Best valid OCOP stars among its listed products.")
    certifications: list[str] = Field(description="Certification schemes valid today (vietgap, organic…).")
    distance_km: int | None = Field(description="From the cooperative's province to the delivery province.")


class QuoteCooperativeOut(CooperativeBriefOut):
    province: str


class QuoteOut(Schema):
    id: int
    cooperative: QuoteCooperativeOut
    status: str
    revision: int
    total_vnd: int
    valid_until: datetime.date
    accepted_at: datetime.datetime | None
    order: str | None = Field(description="The order number, once accepted.")
    comparison: ComparisonOut
    revisions: list[RevisionOut] = Field(description="Newest first; the first is the quote as it stands.")


class QuoteListOut(Schema):
    items: list[QuoteOut]


class AcceptIn(Schema):
    shipping: ShippingIn | None = Field(
        None, description="Where to deliver; your most recent order's address when left out."
    )
    note: Text = Field("", max_length=quotes.MAX_ACCEPT_NOTE)
    revision: Annotated[StrictInt, Field(ge=1, le=1_000_000)] | None = Field(
        None, description="The revision you saw: 409 if the cooperative revised the quote since."
    )


class AcceptedOrderOut(Schema):
    number: str
    total_vnd: int
    status: str
    payment_status: str
    payment_method: str


class AcceptedOut(Schema):
    order: AcceptedOrderOut


class MessageIn(Schema):
    body: Text = Field(..., min_length=1, max_length=quotes.MAX_MESSAGE)


class MessageOut(Schema):
    id: int
    from_buyer: bool
    body: str = Field(description="Email addresses and phone numbers are masked until a quote is accepted.")
    created_at: datetime.datetime


class ThreadOut(Schema):
    cooperative: CooperativeBriefOut
    total: int
    limit: int
    offset: int
    items: list[MessageOut]
