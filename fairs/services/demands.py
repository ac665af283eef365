"""Writes for buyers' demands (what they want to buy), posted at a fair or on their own."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from fairs import permissions, tasks
from fairs.models import BuyerDemand, FairDemand, Participant, participant_of
from marketplace.services import demands as marketplace_demands
from marketplace.services.demands import DemandData

__all__ = ["DemandData", "demand_create", "demand_delete"]


@transaction.atomic
def demand_create(*, buyer, data: DemandData, participant: Participant | None = None) -> BuyerDemand:
    """Post what a buyer wants, at a fair (through its registration) or on its own."""
    if participant is not None:
        if participant.role != Participant.Role.BUYER or not permissions.acts_for(buyer, participant):
            raise PermissionDenied(_("Only the buyer who registered can post its demands."))
    demand = marketplace_demands.demand_create(buyer=buyer, data=data)
    if participant is not None:
        FairDemand.objects.create(demand=demand, participant=participant)
        tasks.queue_match_refresh(participant.fair_id, demand_id=demand.pk)
    return demand


@transaction.atomic
def demand_delete(*, demand: BuyerDemand, user) -> None:
    """The buyer takes a demand back; its match scores go with it, requests about it stay."""
    participant = participant_of(demand)
    if demand.buyer_id != user.pk and not (participant and permissions.acts_for(user, participant)):
        raise PermissionDenied(_("Only the buyer who posted this demand can delete it."))
    marketplace_demands.demand_delete(demand=demand)
