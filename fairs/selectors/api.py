"""Reads for the fairs API (fairs/api.py): published fairs, exhibitors, a caller's registrations.

A lookup that finds nothing raises the model's DoesNotExist with a message for the
caller; config/api.py answers it with a 404 `{"detail": ...}`.
"""

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ProductPage

from .. import permissions
from ..models import BuyerDemand, FairPage, Meeting, MeetingRequest, Participant


def published_fairs():
    """Published public fairs with what their summary shows."""
    return (
        FairPage.objects.live()
        .public()
        .select_related("lead_organiser")
        .prefetch_related("co_organisers", "provinces")
    )


def fair_list(*, status: str | None = None, upcoming: bool = False, province_code: str | None = None):
    """Published fairs, soonest first: at a stage, not ended yet, or open to a province's cooperatives
    (fairs open to every province included)."""
    fairs = published_fairs().order_by("starts_on", "pk")
    if status:
        fairs = fairs.filter(status=status)
    if upcoming:
        fairs = fairs.filter(ends_on__gte=timezone.localdate())
    if province_code:
        fairs = fairs.filter(Q(provinces=province_code) | Q(provinces=None)).distinct()
    return fairs


def published_fair(fair_id: int, *, details: bool = False) -> FairPage:
    """One published fair (with its sessions when `details`), or FairPage.DoesNotExist."""
    queryset = published_fairs()
    if details:
        queryset = queryset.prefetch_related("sessions")
    fair = queryset.filter(pk=fair_id).first()
    if fair is None:
        raise FairPage.DoesNotExist(_("No published fair with id %(id)s.") % {"id": fair_id})
    return fair


def exhibitors(fair: FairPage):
    """The fair's approved cooperatives with their showcased, published products."""
    return (
        Participant.objects.filter(
            fair=fair, role=Participant.Role.COOPERATIVE, status=Participant.Status.APPROVED
        )
        .select_related("cooperative", "cooperative__province")
        .prefetch_related(
            Prefetch(
                "showcased_products", queryset=ProductPage.objects.live().public().order_by("title", "pk")
            )
        )
        .order_by("name", "pk")
    )


def registrations_of(user, fair: FairPage):
    """The registrations at `fair` that `user` acts for, with their meetings and requests."""
    requests = MeetingRequest.objects.select_related("requester", "recipient")
    return (
        permissions.participants_of(user, fair)
        .prefetch_related(
            Prefetch("meetings", queryset=Meeting.objects.not_cancelled().prefetch_related("participants")),
            Prefetch("requests_sent", queryset=requests),
            Prefetch("requests_received", queryset=requests),
        )
        .order_by("role", "pk")
    )


def participants_by_id(fair: FairPage, ids) -> dict[int, Participant]:
    """The fair's participants with these ids, by id; Participant.DoesNotExist names the first missing."""
    found = {
        p.pk: p
        for p in Participant.objects.filter(fair=fair, pk__in=list(ids)).select_related(
            "fair", "user", "cooperative"
        )
    }
    for participant_id in ids:
        if participant_id not in found:
            raise Participant.DoesNotExist(_("No participant %(id)s at this fair.") % {"id": participant_id})
    return found


def demand_at(fair: FairPage, demand_id: int) -> BuyerDemand:
    demand = BuyerDemand.objects.filter(pk=demand_id, fair_entry__participant__fair=fair).first()
    if demand is None:
        raise BuyerDemand.DoesNotExist(_("No demand %(id)s at this fair.") % {"id": demand_id})
    return demand


def meeting_request_at(fair: FairPage, request_id: int) -> MeetingRequest:
    meeting_request = MeetingRequest.objects.filter(fair=fair, pk=request_id).first()
    if meeting_request is None:
        raise MeetingRequest.DoesNotExist(_("No meeting request %(id)s at this fair.") % {"id": request_id})
    return meeting_request


def product_by_id(product_id: int) -> ProductPage | None:
    """A product by id, or None (the service decides whether it may be named in a request)."""
    return ProductPage.objects.filter(pk=product_id).first()
