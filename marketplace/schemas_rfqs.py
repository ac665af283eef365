"""Shapes of the requests-for-quotation API (marketplace/api_rfqs.py): what comes in, what goes out.

Strict as the rest of the marketplace API (marketplace/schemas.py): quantities and prices are JSON
integers within bounds, strings are bounded and refuse control characters, a date is "YYYY-MM-DD".
"""

import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from catalog.models import CooperativeCertification
from marketplace.models import BuyerDemand, BuyerKind
from marketplace.schemas import CooperativeBriefOut, PlaceOut, Quantity, Text
from marketplace.services.rfqs import (
    MAX_DETAILS,
    MAX_INVITATIONS,
    MAX_TARGET_PRICE_VND,
    MAX_TITLE,
    MAX_UNIT,
)

Visibility = Literal[tuple(BuyerDemand.Visibility.values)]
Scheme = Literal[tuple(CooperativeCertification.Scheme.values)]
CompanyKind = Literal[tuple(BuyerKind.values)]
TaxCode = Annotated[Text, Field(min_length=1, max_length=20)]


class RfqIn(Schema):
    title: Text = Field(..., min_length=1, max_length=MAX_TITLE, description="What is wanted, e.g. Gạo ST25.")
    category: Text | None = Field(None, max_length=100, description="A category slug, e.g. food-rice.")
    description: Text = Field(..., max_length=MAX_DETAILS, description="Quality, packing, schedule…")
    quantity: Quantity
    unit: Text = Field(..., min_length=1, max_length=MAX_UNIT, description="e.g. kg, tấn, chai.")
    per_month: StrictBool = Field(False, description="The quantity is wanted every month (else once).")
    target_price_vnd: StrictInt | None = Field(
        None, ge=0, le=MAX_TARGET_PRICE_VND, description="Per unit, in whole đồng."
    )
    delivery_province: Text = Field(..., max_length=100, description="Province code (2025 list), e.g. 01.")
    deadline: datetime.date = Field(..., description="The last day for quotes: after today, within 180 days.")
    visibility: Visibility
    min_ocop_stars: StrictInt | None = Field(None, ge=3, le=5)
    certifications: list[Scheme] = Field(
        default_factory=list, max_length=len(CooperativeCertification.Scheme)
    )
    company_kind: CompanyKind | None = Field(None, description="The buyer's kind of business.")


class RfqOut(Schema):
    id: int
    title: str
    category: str | None = Field(description="The category's slug.")
    description: str
    quantity: int
    unit: str
    per_month: bool
    target_price_vnd: int | None
    delivery_province: PlaceOut | None
    deadline: datetime.date | None
    visibility: str
    status: str
    min_ocop_stars: int | None
    certifications: list[str]
    company_kind: str
    created_at: datetime.datetime


class RfqListOut(Schema):
    total: int
    items: list[RfqOut]


class BuyerOut(Schema):
    name: str
    organisation: str


class InvitationOut(Schema):
    cooperative: CooperativeBriefOut
    score: float | None = Field(description="The match score (0–100) when the invitation was sent.")
    reasons: list[str]
    by_alliance: bool
    invited_at: datetime.datetime


class RfqDetailOut(RfqOut):
    buyer: BuyerOut | None = Field(
        description="Who asked: shown to the buyer, and to the cooperative whose quote was accepted."
    )
    invitations: list[InvitationOut] | None = Field(
        description="The cooperatives invited (to the buyer only)."
    )


class ProductBriefOut(Schema):
    sku: str
    name: str


class MatchOut(Schema):
    cooperative: CooperativeBriefOut
    score: float = Field(description="0–100.")
    reasons: list[str]
    product: ProductBriefOut = Field(description="The product that answers the request best.")
    invited: bool


class MatchListOut(Schema):
    items: list[MatchOut]


class InvitationsIn(Schema):
    cooperatives: list[TaxCode] = Field(
        ..., min_length=1, max_length=MAX_INVITATIONS, description="Tax codes of the cooperatives to invite."
    )


class InvitedOut(InvitationOut):
    new: bool = Field(description="Invited by this request (false: invited before).")


class InvitedListOut(Schema):
    items: list[InvitedOut]
