"""Writes for fairs: set-up, registration, approval, demands, meeting requests, meetings,
scheduling, check-in, outcomes and agreements.

Bad input raises ValidationError with a message for the person who sent it and changes
nothing; acting for someone else raises PermissionDenied. Views, the API, the demo data
and the tests all write through here.
"""

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Alliance, Category, CooperativePage, ProductPage, Province

from . import notifications, permissions, tasks
from .models import (
    Agreement,
    BuyerDemand,
    FairIndexPage,
    FairPage,
    FairSession,
    Meeting,
    MeetingRequest,
    Participant,
    Representative,
)
from .scheduling import PinnedConflict, solve

Status = FairPage.Status
# Forward moves, and back from scheduling to open (to take late requests).
STATUS_MOVES = {
    Status.DRAFT: {Status.OPEN},
    Status.OPEN: {Status.SCHEDULING, Status.DRAFT},
    Status.SCHEDULING: {Status.RUNNING, Status.OPEN},
    Status.RUNNING: {Status.CLOSED},
    Status.CLOSED: set(),
}


# --- the fair ----------------------------------------------------------------------------------


@dataclass
class SessionData:
    name: str
    date: datetime.date
    starts_at: datetime.time
    slot_count: int
    tables: int
    slot_minutes: int = 20


def check_sessions(sessions: Sequence, *, starts_on: datetime.date, ends_on: datetime.date) -> None:
    """Sessions fall within the fair's days and do not overlap (so no two slots overlap)."""
    spans = []
    for session in sessions:
        if not starts_on <= session.date <= ends_on:
            raise ValidationError(
                _("The session “%(name)s” is not within the fair's days.") % {"name": session.name}
            )
        start = datetime.datetime.combine(session.date, session.starts_at)
        end = start + datetime.timedelta(minutes=session.slot_minutes * session.slot_count)
        if end.date() != session.date:
            raise ValidationError(_("The session “%(name)s” runs past midnight.") % {"name": session.name})
        spans.append((start, end, session.name))
    spans.sort()
    for (_start, end, name), (next_start, _end, next_name) in itertools.pairwise(spans):
        if next_start < end:
            raise ValidationError(
                _("The sessions “%(a)s” and “%(b)s” overlap.") % {"a": name, "b": next_name}
            )


def _fairs_index() -> FairIndexPage:
    index = FairIndexPage.objects.first()
    if index is None:
        raise ValidationError(_("There is no fairs index page to add the fair under."))
    return index


@transaction.atomic
def fair_create(
    *,
    title: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    lead_organiser: Alliance,
    registration_opens_on: datetime.date,
    registration_closes_on: datetime.date,
    co_organisers: Iterable[Alliance] = (),
    provinces: Iterable[Province] = (),
    sessions: Sequence[SessionData] = (),
    venue: str = "",
    online_url: str = "",
    name_en: str = "",
    intro: str = "",
    intro_en: str = "",
    programme: str = "",
    has_booths: bool = False,
    max_meetings_per_participant: int | None = None,
    status: str = Status.OPEN,
    slug: str = "",
    user=None,
) -> FairPage:
    """A published fair page under the fairs index, with its sessions."""
    check_sessions(sessions, starts_on=starts_on, ends_on=ends_on)
    fair = FairPage(
        title=title,
        slug=slug or None,
        kind=kind,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        venue=venue,
        online_url=online_url,
        name_en=name_en,
        intro=intro,
        intro_en=intro_en,
        programme=programme,
        lead_organiser=lead_organiser,
        registration_opens_on=registration_opens_on,
        registration_closes_on=registration_closes_on,
        has_booths=has_booths,
        max_meetings_per_participant=max_meetings_per_participant,
    )
    fair.co_organisers = list(co_organisers)
    fair.provinces = list(provinces)
    fair.sessions = [
        FairSession(
            name=s.name,
            date=s.date,
            starts_at=s.starts_at,
            slot_minutes=s.slot_minutes,
            slot_count=s.slot_count,
            tables=s.tables,
        )
        for s in sessions
    ]
    if not fair.slug:
        from anyascii import anyascii
        from django.utils.text import slugify

        fair.slug = slugify(anyascii(title))[:200] or "fair"
    fair.full_clean(exclude=["path", "depth", "numchild", "url_path"])
    _fairs_index().add_child(instance=fair)
    fair.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    fair_grant_organiser_access(fair=fair)
    return fair


ORGANISER_PAGE_PERMISSIONS = ("change", "publish")


@transaction.atomic
def fair_grant_organiser_access(*, fair: FairPage) -> None:
    """Let the staff of the fair's organisers, and only them, edit and publish its page.

    Every alliance may add fairs under the index (catalog.services.alliance_create);
    editing one fair is for its lead and co-organisers, so rights are kept per fair page
    and follow changes to the organisers.
    """
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    groups = {a.staff_group_id for a in fair.organisers() if a.staff_group_id}
    GroupPagePermission.objects.filter(page=fair, group__alliance__isnull=False).exclude(
        group__in=groups
    ).delete()
    permissions_ = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=[f"{t}_page" for t in ORGANISER_PAGE_PERMISSIONS]
    )
    for group in groups:
        for permission in permissions_:
            GroupPagePermission.objects.get_or_create(group_id=group, page=fair, permission=permission)


@transaction.atomic
def fair_set_status(*, fair: FairPage, status: str, user) -> FairPage:
    """Move the fair on. Starting scheduling closes the meeting requests still waiting."""
    if not permissions.is_organiser(user, fair):
        raise PermissionDenied(_("Only the fair's organisers can change its status."))
    fair = FairPage.objects.select_for_update().get(pk=fair.pk).specific
    if status not in STATUS_MOVES.get(fair.status, set()):
        raise ValidationError(
            _("A fair cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": fair.get_status_display(),
                "new": Status(status).label if status in Status.values else status,
            }
        )
    fair.status = status
    fair.save_revision(user=user, log_action=True).publish(user=user, skip_permission_checks=True)
    if status == Status.SCHEDULING:
        fair.meeting_requests.filter(status=MeetingRequest.Status.PENDING).update(
            status=MeetingRequest.Status.CLOSED, answered_at=timezone.now()
        )
    return fair


# --- registration ------------------------------------------------------------------------------


@dataclass
class RepresentativeData:
    name: str
    position: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class RegistrationData:
    representatives: Sequence[RepresentativeData] = ()
    available_slots: Sequence[str] = ()
    # Cooperatives
    booth: str = ""
    booth_area_m2: int | None = None
    showcased_products: Sequence[ProductPage] = ()
    supply_quantity: int | None = None
    supply_unit: str = ""
    delivery_provinces: Sequence[Province] = ()
    # Buyers
    name: str = ""
    buyer_kind: str = ""
    province: Province | None = None
    country: str = "VN"
    interested_in: Sequence[Participant] = field(default_factory=list)


def _check_registration_open(fair: FairPage) -> None:
    if not fair.registration_is_open:
        raise ValidationError(
            _("Registration for %(fair)s is closed (open %(start)s – %(end)s).")
            % {
                "fair": fair.title,
                "start": fair.registration_opens_on.strftime("%d/%m/%Y"),
                "end": fair.registration_closes_on.strftime("%d/%m/%Y"),
            }
        )


def _check_slots(fair: FairPage, keys: Iterable[str]) -> list[str]:
    known = {slot.key for slot in fair.slots()}
    keys = list(dict.fromkeys(keys))
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValidationError(_("Unknown meeting slots: %(slots)s.") % {"slots": ", ".join(unknown)})
    return keys


def _save_registration(participant: Participant, data: RegistrationData) -> Participant:
    participant.available_slots = _check_slots(participant.fair, data.available_slots)
    participant.full_clean()
    participant.save()
    for representative in data.representatives:
        Representative(participant=participant, **vars(representative)).full_clean(exclude=["participant"])
    Representative.objects.bulk_create(
        Representative(participant=participant, **vars(representative))
        for representative in data.representatives
    )
    participant.delivery_provinces.set(data.delivery_provinces)
    participant.showcased_products.set(data.showcased_products)
    notifications.registration_received(participant)
    return participant


@transaction.atomic
def participant_register_cooperative(
    *, fair: FairPage, user, cooperative: CooperativePage, data: RegistrationData
) -> Participant:
    """Register a cooperative, by one of its staff, with its booth, showcase, supply and slots."""
    _check_registration_open(fair)
    if not (user.is_superuser or permissions.is_staff_of(user, cooperative)):
        raise PermissionDenied(_("Only the cooperative's own staff can register it."))
    if cooperative.verification != CooperativePage.Verification.VERIFIED:
        raise ValidationError(_("Only verified cooperatives can take part in fairs."))
    provinces = set(fair.provinces.values_list("code", flat=True))
    if provinces and cooperative.province_id not in provinces:
        raise ValidationError(
            _("%(fair)s is for cooperatives from its participating provinces.") % {"fair": fair.title}
        )
    if Participant.objects.filter(fair=fair, cooperative=cooperative).exists():
        raise ValidationError(
            _("%(name)s is already registered for this fair.") % {"name": cooperative.title}
        )
    foreign = [p for p in data.showcased_products if p.cooperative_id != cooperative.pk or not p.live]
    if foreign:
        raise ValidationError(_("Showcase only your own published products."))
    if data.booth and not fair.has_booths:
        raise ValidationError(_("This fair has no booths."))
    participant = Participant(
        fair=fair,
        role=Participant.Role.COOPERATIVE,
        user=user,
        cooperative=cooperative,
        name=cooperative.title,
        province_id=cooperative.province_id,
        booth=data.booth,
        booth_area_m2=data.booth_area_m2,
        supply_quantity=data.supply_quantity,
        supply_unit=data.supply_unit,
    )
    return _save_registration(participant, data)


@transaction.atomic
def participant_register_buyer(*, fair: FairPage, user, data: RegistrationData) -> Participant:
    """Register a buyer: company, kind, where it is, representatives and slots."""
    _check_registration_open(fair)
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to register."))
    if Participant.objects.filter(fair=fair, user=user, role=Participant.Role.BUYER).exists():
        raise ValidationError(_("You are already registered as a buyer for this fair."))
    if not data.name.strip():
        raise ValidationError(_("Give the name of your company or business."))
    if data.country.upper() == "VN" and data.province is None:
        raise ValidationError(_("Give your province, or your country if you buy from abroad."))
    participant = Participant(
        fair=fair,
        role=Participant.Role.BUYER,
        user=user,
        name=data.name.strip(),
        buyer_kind=data.buyer_kind,
        province=data.province,
        country=data.country.upper(),
    )
    return _save_registration(participant, data)


@transaction.atomic
def participant_decide(*, participant: Participant, user, approve: bool) -> Participant:
    """Approve or reject a registration: the lead organiser for anyone, a co-organiser for its provinces."""
    if not permissions.can_approve(user, participant):
        raise PermissionDenied(_("You cannot approve participants from this province."))
    participant.status = Participant.Status.APPROVED if approve else Participant.Status.REJECTED
    participant.decided_by = user
    participant.decided_at = timezone.now()
    participant.save(update_fields=["status", "decided_by", "decided_at"])
    notifications.registration_decided(participant)
    tasks.queue_match_refresh(participant.fair_id)
    return participant


@transaction.atomic
def participant_withdraw(*, participant: Participant, user) -> Participant:
    """Withdraw a registration while the fair takes requests: its waiting requests close, and
    its meetings are left out of the schedule (services.schedule_instance)."""
    if not permissions.acts_for(user, participant):
        raise PermissionDenied(_("You do not act for this participant."))
    if participant.status == Participant.Status.WITHDRAWN:
        raise ValidationError(_("This registration has already been withdrawn."))
    if not participant.fair.requests_are_open:
        raise ValidationError(_("Registrations can no longer be withdrawn: ask the organisers."))
    participant.status = Participant.Status.WITHDRAWN
    participant.decided_at = timezone.now()
    participant.save(update_fields=["status", "decided_at"])
    MeetingRequest.objects.filter(
        Q(requester=participant) | Q(recipient=participant), status=MeetingRequest.Status.PENDING
    ).update(status=MeetingRequest.Status.WITHDRAWN, answered_at=timezone.now())
    return participant


@transaction.atomic
def participant_set_interest(
    *, participant: Participant, other: Participant, user, interested: bool = True
) -> None:
    """State (or withdraw) interest in meeting another participant; it raises their match."""
    if not permissions.acts_for(user, participant):
        raise PermissionDenied(_("You do not act for this participant."))
    if other.fair_id != participant.fair_id or other.pk == participant.pk:
        raise ValidationError(_("Choose another participant of the same fair."))
    if interested:
        participant.interested_in.add(other)
    else:
        participant.interested_in.remove(other)
    tasks.queue_match_refresh(participant.fair_id)


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


# --- meeting requests and meetings -------------------------------------------------------------


def _meeting_count(participant: Participant) -> int:
    return participant.meetings.count()


def _check_cap(fair: FairPage, participants: Iterable[Participant]) -> None:
    cap = fair.max_meetings_per_participant
    if cap is None:
        return
    full = [p.name for p in participants if _meeting_count(p) >= cap]
    if full:
        raise ValidationError(
            _("%(names)s already have %(cap)s meetings, the most this fair allows.")
            % {"names": ", ".join(full), "cap": cap}
        )


@transaction.atomic
def meeting_request_create(
    *,
    requester: Participant,
    recipient: Participant,
    user,
    message: str = "",
    demand: BuyerDemand | None = None,
    product: ProductPage | None = None,
) -> MeetingRequest:
    """Ask another participant for a meeting, about one of the buyer's demands or a product."""
    fair = requester.fair
    if not permissions.acts_for(user, requester):
        raise PermissionDenied(_("You do not act for this participant."))
    if recipient.pk == requester.pk:
        raise ValidationError(_("You cannot request a meeting with yourself."))
    if recipient.fair_id != fair.pk:
        raise ValidationError(_("You can only meet participants of the same fair."))
    if not fair.requests_are_open:
        raise ValidationError(_("Meeting requests are closed: the organisers are scheduling."))
    if not (requester.is_approved and recipient.is_approved):
        raise ValidationError(_("Both sides must be approved participants of the fair."))
    open_statuses = MeetingRequest.OPEN
    if MeetingRequest.objects.filter(
        requester__in=[requester, recipient], recipient__in=[requester, recipient], status__in=open_statuses
    ).exists():
        raise ValidationError(
            _("There is already a meeting request between you and %(name)s.") % {"name": recipient.name}
        )
    if demand is not None and demand.participant_id not in (requester.pk, recipient.pk):
        raise ValidationError(_("The demand must be one of the buyer's at this fair."))
    if (
        product is not None
        and recipient.cooperative_id != product.cooperative_id
        and requester.cooperative_id != product.cooperative_id
    ):
        raise ValidationError(_("The product must be one of the cooperative's."))
    request = MeetingRequest(
        fair=fair,
        requester=requester,
        recipient=recipient,
        message=message.strip(),
        demand=demand,
        product=product,
    )
    request.full_clean()
    request.save()
    notifications.meeting_requested(request)
    return request


@transaction.atomic
def meeting_request_answer(*, request: MeetingRequest, user, accept: bool) -> MeetingRequest:
    """The recipient accepts (a meeting is created, to be scheduled) or declines."""
    request = (
        MeetingRequest.objects.select_for_update()
        .select_related("fair", "recipient", "requester")
        .get(pk=request.pk)
    )
    if not permissions.acts_for(user, request.recipient):
        raise PermissionDenied(_("This meeting request is not yours to answer."))
    if request.status != MeetingRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered or closed."))
    if not request.fair.requests_are_open:
        raise ValidationError(_("Meeting requests are closed: the organisers are scheduling."))
    if accept:
        _check_cap(request.fair, [request.requester, request.recipient])
    request.status = MeetingRequest.Status.ACCEPTED if accept else MeetingRequest.Status.DECLINED
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at"])
    if accept:
        meeting = Meeting.objects.create(fair=request.fair, request=request, demand=request.demand, weight=2)
        meeting.participants.set([request.requester, request.recipient])
    notifications.meeting_request_answered(request)
    return request


@transaction.atomic
def meeting_request_withdraw(*, request: MeetingRequest, user) -> MeetingRequest:
    """The requester takes back a request the other side has not answered yet."""
    request = MeetingRequest.objects.select_for_update().select_related("requester").get(pk=request.pk)
    if not permissions.acts_for(user, request.requester):
        raise PermissionDenied(_("Only the participant who sent this request can withdraw it."))
    if request.status != MeetingRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered or closed."))
    request.status = MeetingRequest.Status.WITHDRAWN
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at"])
    return request


@transaction.atomic
def meeting_create(
    *,
    fair: FairPage,
    participants: Sequence[Participant],
    user,
    weight: int = 1,
    demand: BuyerDemand | None = None,
) -> Meeting:
    """An organiser arranges a meeting directly, between two or more approved participants."""
    if not permissions.is_organiser(user, fair):
        raise PermissionDenied(_("Only the fair's organisers can arrange meetings directly."))
    participants = list(dict.fromkeys(participants))
    if len(participants) < 2:
        raise ValidationError(_("A meeting needs two or more different participants."))
    if any(p.fair_id != fair.pk or not p.is_approved for p in participants):
        raise ValidationError(_("Every participant must be approved for this fair."))
    if not 1 <= weight <= 10:
        raise ValidationError(_("The priority is between 1 and 10."))
    _check_cap(fair, participants)
    meeting = Meeting.objects.create(fair=fair, created_by=user, weight=weight, demand=demand)
    meeting.participants.set(participants)
    return meeting


@transaction.atomic
def meeting_pin(*, meeting: Meeting, user, slot_key: str | None) -> Meeting:
    """Pin a meeting to a slot (it keeps it when the schedule runs again), or unpin it (None)."""
    fair = meeting.fair
    if not permissions.is_organiser(user, fair):
        raise PermissionDenied(_("Only the fair's organisers can pin meetings."))
    if slot_key is None:
        meeting.pinned = False
        meeting.save(update_fields=["pinned"])
        return meeting
    _check_slots(fair, [slot_key])
    if meeting.slot_key != slot_key:
        meeting.slot_key, meeting.table = slot_key, None
    meeting.pinned = True
    meeting.save(update_fields=["slot_key", "table", "pinned"])
    return meeting


# --- scheduling --------------------------------------------------------------------------------


def schedule_instance(fair: FairPage) -> dict:
    """The solver's plain instance for the fair's meetings between approved participants."""
    slots = fair.slots()
    meetings = list(
        Meeting.objects.filter(fair=fair)
        .exclude(participants__status__in=["pending", "rejected", "withdrawn"])
        .prefetch_related("participants")
        .order_by("pk")
    )
    people = {p.pk: p for meeting in meetings for p in meeting.participants.all()}
    instance = {
        "slots": [slot.key for slot in slots],
        "tables": {slot.key: slot.tables for slot in slots},
        "participants": [
            {"id": str(pk), **({"available": p.available_slots} if p.available_slots else {})}
            for pk, p in sorted(people.items())
        ],
        "meetings": [
            {
                "id": str(m.pk),
                "participants": [str(p.pk) for p in m.participants.all()],
                "weight": m.weight,
                **({"pinned_slot": m.slot_key} if m.pinned else {}),
            }
            for m in meetings
        ],
    }
    if fair.max_meetings_per_participant:
        instance["max_meetings_per_participant"] = fair.max_meetings_per_participant
    return instance


@dataclass(frozen=True)
class ScheduleOutcome:
    scheduled: int
    unscheduled: int
    objective: float
    upper_bound: float | None
    solver: str
    seconds: float


@transaction.atomic
def fair_schedule(*, fair: FairPage, user, time_limit: float = 10.0) -> ScheduleOutcome:
    """Run the solver over the fair's meetings and write each one's slot and table.

    Pinned meetings keep their slots. Pins that cannot all be honoured raise
    ValidationError naming the meetings, and nothing changes.
    """
    if not permissions.is_organiser(user, fair):
        raise PermissionDenied(_("Only the fair's organisers can schedule meetings."))
    fair.refresh_from_db(fields=["status"])
    if fair.status not in (Status.SCHEDULING, Status.RUNNING):
        raise ValidationError(_("Start scheduling first: meeting requests must be closed."))
    instance = schedule_instance(fair)
    if not instance["slots"]:
        raise ValidationError(_("The fair has no meeting sessions to schedule into."))
    try:
        schedule = solve(instance, time_limit=time_limit)
    except PinnedConflict as error:
        raise ValidationError(str(error)) from error
    placed = {int(a["meeting"]): (a["slot"], a["table"]) for a in schedule["assignments"]}
    meetings = list(Meeting.objects.filter(fair=fair).select_for_update())
    for meeting in meetings:
        meeting.slot_key, meeting.table = placed.get(meeting.pk, ("", None))
        if not meeting.slot_key:
            meeting.pinned = False
    # Clear first: the unique (slot, table) constraint must hold after every row, not only at the end.
    Meeting.objects.filter(fair=fair).update(table=None)
    Meeting.objects.bulk_update(meetings, ["slot_key", "table", "pinned"])
    notifications.schedule_ready(
        list(
            Participant.objects.filter(
                fair=fair, status=Participant.Status.APPROVED, meetings__slot_key__gt=""
            )
            .distinct()
            .prefetch_related("representatives")
            .select_related("user", "fair")
        )
    )
    return ScheduleOutcome(
        scheduled=len(schedule["assignments"]),
        unscheduled=len(schedule["unscheduled"]),
        objective=schedule["objective"],
        upper_bound=schedule["upper_bound"],
        solver=schedule["solver"],
        seconds=schedule["seconds"],
    )


# --- the day and after -------------------------------------------------------------------------


@transaction.atomic
def participant_check_in(*, fair: FairPage, code: str, user) -> Participant:
    """Check a participant in by the code on its badge (scanned or typed)."""
    if not permissions.is_organiser(user, fair):
        raise PermissionDenied(_("Only the fair's organisers can check people in."))
    code = "".join(code.split()).upper()
    if code.startswith("HTTP"):
        code = code.rstrip("/").rsplit("/", 1)[-1]
    participant = Participant.objects.filter(fair=fair, badge_code=code).first()
    if participant is None:
        raise ValidationError(
            _("No participant of this fair has the badge code %(code)s.") % {"code": code[:20]}
        )
    if not participant.is_approved:
        raise ValidationError(_("%(name)s is not an approved participant.") % {"name": participant.name})
    if participant.checked_in_at is None:
        participant.checked_in_at = timezone.now()
        participant.save(update_fields=["checked_in_at"])
    return participant


def _acts_in(user, meeting: Meeting) -> bool:
    return permissions.is_organiser(user, meeting.fair) or any(
        permissions.acts_for(user, p) for p in meeting.participants.all()
    )


@transaction.atomic
def meeting_record_outcome(*, meeting: Meeting, user, outcome: str, note: str = "") -> Meeting:
    """Either side (or an organiser) records whether the meeting was held."""
    if not _acts_in(user, meeting):
        raise PermissionDenied(_("Only the meeting's participants or the organisers can record its outcome."))
    if outcome not in {Meeting.Outcome.HELD, Meeting.Outcome.NO_SHOW, Meeting.Outcome.FOLLOW_UP}:
        raise ValidationError(_("The outcome is held, no-show or follow-up."))
    if not meeting.is_scheduled:
        raise ValidationError(_("This meeting was never scheduled."))
    meeting.outcome, meeting.outcome_note = outcome, note.strip()[:500]
    meeting.outcome_recorded_by, meeting.outcome_recorded_at = user, timezone.now()
    meeting.save(update_fields=["outcome", "outcome_note", "outcome_recorded_by", "outcome_recorded_at"])
    return meeting


@dataclass
class AgreementData:
    kind: str
    buyer: Participant
    supplier: Participant
    volume: str
    value_vnd: int
    signed_on: datetime.date
    products: Sequence[ProductPage] = ()
    document: object = None


MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


@transaction.atomic
def agreement_record(
    *, fair: FairPage, data: AgreementData, user, meeting: Meeting | None = None
) -> Agreement:
    """Record a memorandum or contract between a buyer and a cooperative of the fair."""
    if meeting is not None:
        if meeting.fair_id != fair.pk:
            raise ValidationError(_("The meeting is not from this fair."))
        allowed = _acts_in(user, meeting)
        sides = {p.pk for p in meeting.participants.all()}
        if {data.buyer.pk, data.supplier.pk} - sides:
            raise ValidationError(_("The parties must be the meeting's participants."))
    else:
        allowed = (
            permissions.is_organiser(user, fair)
            or permissions.acts_for(user, data.buyer)
            or permissions.acts_for(user, data.supplier)
        )
    if not allowed:
        raise PermissionDenied(_("Only the parties or the organisers can record this agreement."))
    if data.buyer.fair_id != fair.pk or data.supplier.fair_id != fair.pk:
        raise ValidationError(_("Both parties must be participants of this fair."))
    if data.buyer.role != Participant.Role.BUYER or data.supplier.role != Participant.Role.COOPERATIVE:
        raise ValidationError(_("An agreement is between a buyer and a cooperative."))
    if data.signed_on > timezone.localdate():
        raise ValidationError(_("The signing date cannot be in the future."))
    foreign = [p for p in data.products if p.cooperative_id != data.supplier.cooperative_id]
    if foreign:
        raise ValidationError(_("The products must be the cooperative's own."))
    if data.document is not None and getattr(data.document, "size", 0) > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The document is larger than 10 MB."))
    agreement = Agreement(
        fair=fair,
        meeting=meeting,
        kind=data.kind,
        buyer=data.buyer,
        supplier=data.supplier,
        volume=data.volume.strip(),
        value_vnd=data.value_vnd,
        signed_on=data.signed_on,
        recorded_by=user,
    )
    if data.document is not None:
        agreement.document = data.document
    agreement.full_clean()
    agreement.save()
    agreement.products.set(data.products)
    return agreement


# --- matching ----------------------------------------------------------------------------------


@transaction.atomic
def fair_refresh_matches(*, fair: FairPage, demand_ids: Iterable[int] | None = None) -> int:
    """Score the fair's demands against every cooperative again (fairs.matching), replacing
    their match scores: all of the fair's, or only those of `demand_ids` (a new demand needs
    no other pair rescored). Returns how many pairs were worth storing."""
    from .matching import compute_matches
    from .models import MatchScore

    scores = compute_matches(fair, demand_ids=demand_ids)
    stale = MatchScore.objects.filter(fair=fair)
    if demand_ids is not None:
        stale = stale.filter(demand_id__in=list(demand_ids))
    stale.delete()
    MatchScore.objects.bulk_create(scores, batch_size=500)
    return len(scores)
