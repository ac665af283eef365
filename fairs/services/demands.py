"""Writes for buyers' demands (what they want to buy), posted at a fair or on their own."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Category, ProductPage, Province
from fairs import permissions, tasks
from fairs.models import (
    BuyerDemand,
    Participant,
)

# --- demands -----------------------------------------------------------------------------------


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


@transaction.atomic
def demand_create(*, buyer, data: DemandData, participant: Participant | None = None) -> BuyerDemand:
    """Post what a buyer wants, at a fair (through its registration) or on its own."""
    from catalog.models import CooperativeCertification

    if participant is not None:
        if participant.role != Participant.Role.BUYER or not permissions.acts_for(buyer, participant):
            raise PermissionDenied(_("Only the buyer who registered can post its demands."))
    schemes = set(CooperativeCertification.Scheme.values)
    unknown = [c for c in data.required_certifications if c not in schemes]
    if unknown:
        raise ValidationError(_("Unknown certifications: %(names)s.") % {"names": ", ".join(unknown)})
    if data.needed_from and data.needed_until and data.needed_until < data.needed_from:
        raise ValidationError(_("The end of the time frame is before its start."))
    demand = BuyerDemand(
        buyer=buyer,
        participant=participant,
        title=data.title.strip(),
        category=data.category,
        product=data.product,
        details=data.details,
        quantity=data.quantity,
        unit=data.unit.strip(),
        per_month=data.per_month,
        target_price_vnd=data.target_price_vnd,
        required_certifications=list(dict.fromkeys(data.required_certifications)),
        min_ocop_stars=data.min_ocop_stars,
        delivery_province=data.delivery_province,
        needed_from=data.needed_from,
        needed_until=data.needed_until,
    )
    demand.full_clean()
    demand.save()
    if participant is not None:
        tasks.queue_match_refresh(participant.fair_id, demand_id=demand.pk)
    return demand


@transaction.atomic
def demand_delete(*, demand: BuyerDemand, user) -> None:
    """The buyer takes a demand back; its match scores go with it, requests about it stay."""
    if demand.buyer_id != user.pk and not (
        demand.participant and permissions.acts_for(user, demand.participant)
    ):
        raise PermissionDenied(_("Only the buyer who posted this demand can delete it."))
    demand.delete()
