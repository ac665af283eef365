"""Reads for the public fair pages and the participants' own pages.

Each function loads what its page shows in a fixed number of queries (select_related and
prefetches), whatever the number of participants, products, demands or meetings.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from catalog.models import CooperativePage
from catalog.permissions import staffing
from catalog.selectors import public_products, with_card_images

from .. import permissions
from ..models import Agreement, BuyerDemand, FairPage, Meeting, MeetingRequest, Participant, Slot
from .follow_up import MEETING_RELATED, agreements_prefetch, rfq_url


def upcoming_fairs():
    return (
        FairPage.objects.live()
        .public()
        .filter(ends_on__gte=timezone.localdate())
        .select_related("lead_organiser")
        .order_by("starts_on", "pk")
    )


def past_fairs(*, limit: int):
    return (
        FairPage.objects.live()
        .public()
        .filter(ends_on__lt=timezone.localdate())
        .select_related("lead_organiser")
        .order_by("-starts_on", "-pk")[:limit]
    )


def live_fair(fair_id: int) -> FairPage | None:
    """A published fair by id, with its lead organiser, or None."""
    return FairPage.objects.live().select_related("lead_organiser").filter(pk=fair_id).first()


@dataclass(frozen=True)
class SessionView:
    """A meeting session with its slots, for the fair page."""

    name: str
    date: datetime.date
    slots: list[Slot]


def _sessions(fair: FairPage) -> list[SessionView]:
    return [
        SessionView(name=session.name, date=session.date, slots=session.slots())
        for session in fair.sessions.all().order_by("date", "starts_at", "pk")
    ]


# Booths on one page of a fair: each shows its cooperative's showcased products, and the demo's
# fair of 60 cooperatives made a page of 136 kB, most of it booths.
BOOTHS_PER_PAGE = 12


def fair_page_context(*, fair: FairPage, user) -> dict:
    """Everything the fair page shows: organisers, provinces, sessions, the approved
    cooperatives with their virtual booths, and what the visitor may do next.

    What every visitor sees is read lazily: where the page keeps it (`{% kept %}`), none of it is
    read. What the visitor may do next (their registrations, organising) is theirs, read each time."""

    def booths():
        showcase = with_card_images(public_products().order_by("title", "pk"))
        # A queryset, paginated by the page (BOOTHS_PER_PAGE): a large fair has hundreds of booths.
        return (
            Participant.objects.filter(
                fair=fair, role=Participant.Role.COOPERATIVE, status=Participant.Status.APPROVED
            )
            .select_related("cooperative", "province")
            .prefetch_related(Prefetch("showcased_products", queryset=showcase))
            .order_by("name", "pk")
        )

    @functools.cache
    def buyer_count() -> int:  # a callable: the template calls it, and it counts once
        return Participant.objects.filter(
            fair=fair, role=Participant.Role.BUYER, status=Participant.Status.APPROVED
        ).count()

    mine = (
        list(permissions.participants_of(user, fair).select_related("cooperative"))
        if user.is_authenticated
        else []
    )
    return {
        "fair": fair,
        "lead_organiser": SimpleLazyObject(lambda: fair.lead_organiser),
        "co_organisers": SimpleLazyObject(lambda: list(fair.co_organisers.all())),
        "fair_provinces": SimpleLazyObject(lambda: list(fair.provinces.all())),
        "sessions": SimpleLazyObject(lambda: _sessions(fair)),
        "booths": SimpleLazyObject(booths),
        "booths_per_page": BOOTHS_PER_PAGE,
        "buyer_count": buyer_count,
        "my_registrations": mine,
        "is_organiser": permissions.is_organiser(user, fair),
        "registration_is_open": fair.registration_is_open,
        "has_ended": fair.status == FairPage.Status.CLOSED or fair.ends_on < timezone.localdate(),
        "registration_has_closed": fair.registration_closes_on < timezone.localdate(),
    }


# --- the participant's own pages ----------------------------------------------------------------


def registrable_cooperatives(user):
    """The verified cooperatives `user` is on the staff of (and so may register at a fair)."""
    return (
        CooperativePage.objects.filter(
            pk__in=staffing(user).cooperative_ids, verification=CooperativePage.Verification.VERIFIED
        )
        .select_related("province")
        .order_by("title", "pk")
    )


def registrable_products(cooperative: CooperativePage):
    """The cooperative's published products, for choosing what to showcase."""
    return public_products().filter(cooperative=cooperative).order_by("title", "pk")


@dataclass
class MeetingView:
    meeting: Meeting
    slot: Slot | None
    others: list[Participant]
    rfq_url: str = ""  # "Send an RFQ", for the buyer of a meeting held with a follow-up

    @property
    def other_names(self) -> str:
        return ", ".join(other.name for other in self.others)


@dataclass
class ParticipationView:
    """One registration the user acts for, with everything on the participation page."""

    participant: Participant
    demands: list[BuyerDemand] = field(default_factory=list)
    received: list[MeetingRequest] = field(default_factory=list)
    sent: list[MeetingRequest] = field(default_factory=list)
    meetings: list[MeetingView] = field(default_factory=list)
    open_with: set[int] = field(default_factory=set)
    interested_in: set[int] = field(default_factory=set)
    recommendations: list | None = None
    agreements: list[Agreement] = field(default_factory=list)
    may_order: bool = False  # the buyer may place orders under its agreements


def _participants_with_activity():
    meetings = (
        Meeting.objects.not_cancelled()
        .select_related(*MEETING_RELATED)
        .prefetch_related(
            Prefetch(
                "participants", queryset=Participant.objects.only("pk", "name", "role", "fair_id", "user_id")
            )
        )
    )
    return Participant.objects.select_related("fair", "cooperative", "province").prefetch_related(
        "representatives",
        Prefetch("demands", queryset=BuyerDemand.objects.select_related("category", "delivery_province")),
        Prefetch(
            "requests_received",
            queryset=MeetingRequest.objects.select_related("requester", "demand", "product"),
        ),
        Prefetch(
            "requests_sent", queryset=MeetingRequest.objects.select_related("recipient", "demand", "product")
        ),
        Prefetch("meetings", queryset=meetings),
        Prefetch("interested_in", queryset=Participant.objects.only("pk")),
    )


def _meeting_views(participant: Participant, slots: dict[str, Slot]) -> list[MeetingView]:
    views = [
        MeetingView(
            meeting=meeting,
            slot=slots.get(meeting.slot_key),
            others=[p for p in meeting.participants.all() if p.pk != participant.pk],
        )
        for meeting in participant.meetings.all()
    ]
    far_future = timezone.now() + datetime.timedelta(days=36500)
    return sorted(
        views,
        key=lambda v: (v.slot.starts_at if v.slot else far_future, v.meeting.table or 0, v.meeting.pk),
    )


def slots_by_key(fair: FairPage) -> dict[str, Slot]:
    return {slot.key: slot for slot in fair.slots()}


def participations(*, user, fair: FairPage) -> list[ParticipationView]:
    """The registrations at `fair` that `user` acts for, each with its demands, requests and meetings."""
    participants = list(
        _participants_with_activity()
        .prefetch_related(
            agreements_prefetch("agreements_as_buyer"), agreements_prefetch("agreements_as_supplier")
        )
        .filter(pk__in=permissions.participants_of(user, fair).values("pk"))
        .order_by("role", "name", "pk")
    )
    if not participants:
        return []
    slots = slots_by_key(fair)
    views = []
    for participant in participants:
        received = list(participant.requests_received.all())
        sent = list(participant.requests_sent.all())
        open_with = {r.requester_id for r in received if r.status in MeetingRequest.OPEN} | {
            r.recipient_id for r in sent if r.status in MeetingRequest.OPEN
        }
        is_buyer = participant.role == Participant.Role.BUYER
        meetings = _meeting_views(participant, slots)
        for view in meetings:
            if is_buyer and permissions.may_send_rfq_after(user, view.meeting, [participant]):
                view.rfq_url = rfq_url(view.meeting)
        views.append(
            ParticipationView(
                participant=participant,
                demands=list(participant.demands.all()),
                received=received,
                sent=sent,
                meetings=meetings,
                open_with=open_with,
                interested_in={p.pk for p in participant.interested_in.all()},
                agreements=list(
                    participant.agreements_as_buyer.all()
                    if is_buyer
                    else participant.agreements_as_supplier.all()
                ),
                may_order=is_buyer and permissions.is_buyer_in(user, [participant]),
            )
        )
    return views


def participant_for(*, user, participant_id: int) -> Participant | None:
    """A participant the user acts for or organises, with its meetings; None if neither."""
    participant = _participants_with_activity().filter(pk=participant_id).first()
    if participant is None:
        return None
    if permissions.acts_for(user, participant) or permissions.is_organiser(user, participant.fair):
        return participant
    return None


def schedule_of(participant: Participant) -> list[MeetingView]:
    """The participant's scheduled meetings in time order (unscheduled ones left out)."""
    slots = slots_by_key(participant.fair)
    return [view for view in _meeting_views(participant, slots) if view.slot is not None]


def recipient_in(fair: FairPage, participant_id) -> Participant | None:
    return Participant.objects.filter(fair=fair, pk=participant_id).first()


def request_in(fair: FairPage, request_id: int) -> MeetingRequest | None:
    return MeetingRequest.objects.filter(fair=fair, pk=request_id).first()
