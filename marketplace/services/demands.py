"""Writes for buyers' demands (what they want to buy): the one place a BuyerDemand is made.

A demand at a fair is posted through fairs.services.demand_create, which calls `demand_create` here
and links the demand to the fair registration; a request for quotation is posted through
marketplace.services.rfqs, which adds its deadline and visibility.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Category, CooperativeCertification, ProductPage, Province
from marketplace.models import BuyerDemand


@dataclass
class DemandData:
    title: str
    quantity: int
    unit: str
    category: Category | None = None
    product: ProductPage | None = None
    details: str = ""
    per_month: bool = True
    target_price_vnd: int | None = None
    required_certifications: Sequence[str] = ()
    min_ocop_stars: int | None = None
    delivery_province: Province | None = None
    needed_from: datetime.date | None = None
    needed_until: datetime.date | None = None


def unknown_certifications(schemes: Sequence[str]) -> list[str]:
    known = set(CooperativeCertification.Scheme.values)
    return [scheme for scheme in schemes if scheme not in known]


@transaction.atomic
def demand_create(*, buyer, data: DemandData, **fields) -> BuyerDemand:
    """Save what a buyer wants, checked; `fields` are the RFQ's own (kind, deadline, visibility…)."""
    unknown = unknown_certifications(data.required_certifications)
    if unknown:
        raise ValidationError(_("Unknown certifications: %(names)s.") % {"names": ", ".join(unknown)})
    if data.needed_from and data.needed_until and data.needed_until < data.needed_from:
        raise ValidationError(_("The end of the time frame is before its start."))
    demand = BuyerDemand(
        buyer=buyer,
        title=(data.title or "").strip(),
        category=data.category,
        product=data.product,
        details=data.details,
        quantity=data.quantity,
        unit=(data.unit or "").strip(),
        per_month=data.per_month,
        target_price_vnd=data.target_price_vnd,
        required_certifications=list(dict.fromkeys(data.required_certifications)),
        min_ocop_stars=data.min_ocop_stars,
        delivery_province=data.delivery_province,
        needed_from=data.needed_from,
        needed_until=data.needed_until,
        **fields,
    )
    demand.full_clean()
    demand.save()
    return demand


@transaction.atomic
def demand_delete(*, demand: BuyerDemand) -> None:
    """Delete a demand (the caller has checked who may); what refers to it follows its on_delete."""
    demand.delete()
