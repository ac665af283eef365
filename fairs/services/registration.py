"""Writes for a fair's participants: registration, approval, withdrawal, interest and check-in."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import has_verified_email
from catalog.models import CooperativePage, ProductPage, Province
from fairs import notifications, permissions, tasks
from fairs.models import (
    FairPage,
    MeetingRequest,
    Participant,
    Representative,
)

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
