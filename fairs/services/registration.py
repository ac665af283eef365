"""Writes for a fair's participants: registration, approval, withdrawal, interest and check-in."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import has_verified_email
from catalog import page_cache
from catalog.models import CooperativePage, ProductPage, Province
from fairs import notifications, permissions, tasks
from fairs.models import (
    FairPage,
    Meeting,
    MeetingRequest,
    Participant,
    Representative,
)

Status = Participant.Status
# How a registration's status may move. Organisers approve or reject a pending registration,
# reject an approved one, and may think again about one they rejected. A withdrawal is the
# participant's own and final: nobody can approve a withdrawn registration back in.
REGISTRATION_MOVES = {
    Status.PENDING: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.REJECTED, Status.WITHDRAWN},
    Status.REJECTED: {Status.APPROVED, Status.WITHDRAWN},
    Status.WITHDRAWN: set(),
}

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
    if not has_verified_email(user):
        raise PermissionDenied(_("Confirm your email address before registering for a fair."))
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
    if not has_verified_email(user):
        raise PermissionDenied(_("Confirm your email address before registering for a fair."))
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


def _lock(participant: Participant) -> None:
    """Lock the row and read its status afresh: two organisers deciding at once see each other."""
    Participant.objects.select_for_update().filter(pk=participant.pk).values("pk").first()
    participant.refresh_from_db(fields=["status"])


def _check_move(participant: Participant, status: str) -> None:
    if status not in REGISTRATION_MOVES[participant.status]:
        raise ValidationError(
            _("A registration that is “%(current)s” cannot become “%(new)s”.")
            % {"current": participant.get_status_display(), "new": Status(status).label}
        )


def _release(participant: Participant) -> None:
    """A participant leaves the fair: its waiting requests close, and its meetings not yet held
    are cancelled, their slots and tables freed; the other side of each hears of it after commit."""
    now = timezone.now()
    MeetingRequest.objects.filter(
        Q(requester=participant) | Q(recipient=participant), status=MeetingRequest.Status.PENDING
    ).update(status=MeetingRequest.Status.WITHDRAWN, answered_at=now)
    meetings = list(
        participant.meetings.filter(outcome=Meeting.Outcome.PENDING)
        .select_related("fair")
        .prefetch_related("participants__representatives", "participants__user")
    )
    if not meetings:
        return
    Meeting.objects.filter(pk__in=[m.pk for m in meetings]).update(
        outcome=Meeting.Outcome.CANCELLED, slot_key="", table=None, pinned=False
    )
    # Their accepted requests close too, so the two may ask again if the organisers think again.
    MeetingRequest.objects.filter(meeting__in=meetings, status=MeetingRequest.Status.ACCEPTED).update(
        status=MeetingRequest.Status.WITHDRAWN
    )
    for meeting in meetings:
        notifications.meeting_cancelled(meeting, leaving=participant)


@transaction.atomic
def participant_decide(*, participant: Participant, user, approve: bool) -> Participant:
    """Approve or reject a registration: the lead organiser for anyone, a co-organiser for its
    provinces; along REGISTRATION_MOVES. Rejecting cancels the participant's meetings not yet held."""
    if not permissions.can_approve(user, participant):
        raise PermissionDenied(_("You cannot approve participants from this province."))
    _lock(participant)
    status = Status.APPROVED if approve else Status.REJECTED
    _check_move(participant, status)
    participant.status = status
    participant.decided_by = user
    participant.decided_at = timezone.now()
    participant.save(update_fields=["status", "decided_by", "decided_at"])
    if not approve:
        _release(participant)
    page_cache.invalidate()  # the fair's page lists its approved cooperatives and buyers
    notifications.registration_decided(participant)
    tasks.queue_match_refresh(participant.fair_id)
    return participant


@transaction.atomic
def participant_withdraw(*, participant: Participant, user) -> Participant:
    """Withdraw a registration while the fair takes requests, for good: its waiting requests
    close and its meetings not yet held are cancelled, freeing their slots and tables."""
    if not permissions.acts_for(user, participant):
        raise PermissionDenied(_("You do not act for this participant."))
    _lock(participant)
    if participant.status == Status.WITHDRAWN:
        raise ValidationError(_("This registration has already been withdrawn."))
    _check_move(participant, Status.WITHDRAWN)
    if not participant.fair.requests_are_open:
        raise ValidationError(_("Registrations can no longer be withdrawn: ask the organisers."))
    participant.status = Status.WITHDRAWN
    participant.decided_at = timezone.now()
    participant.save(update_fields=["status", "decided_at"])
    _release(participant)
    page_cache.invalidate()
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
