"""Writes for meeting requests and meetings: asking, answering, withdrawing, arranging and pinning."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import has_verified_email
from catalog.models import ProductPage
from fairs import notifications, permissions
from fairs.models import (
    BuyerDemand,
    FairPage,
    Meeting,
    MeetingRequest,
    Participant,
    participant_of,
)
from fairs.services.registration import _check_slots

# --- meeting requests and meetings -------------------------------------------------------------


def _meeting_count(participant: Participant) -> int:
    return participant.meetings.not_cancelled().count()


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
    if not has_verified_email(user):
        raise PermissionDenied(_("Confirm your email address before asking for meetings."))
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
    if demand is not None and getattr(participant_of(demand), "pk", None) not in (requester.pk, recipient.pk):
        raise ValidationError(_("The demand must be one of the buyer's at this fair."))
    # The product is the supplying cooperative's: the recipient's, or the requester's own
    # when a cooperative asks a buyer; and published, never a draft or another's.
    supplier = recipient if recipient.role == Participant.Role.COOPERATIVE else requester
    if product is not None and (
        supplier.role != Participant.Role.COOPERATIVE
        or product.cooperative_id != supplier.cooperative_id
        or not product.live
    ):
        raise ValidationError(
            _("The product must be one of the published products of %(name)s.") % {"name": supplier.name}
        )
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
    if meeting.outcome == Meeting.Outcome.CANCELLED:
        raise ValidationError(_("This meeting is cancelled."))
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
