"""Writes for what happens after a meeting: its outcome and the agreements signed."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ProductPage
from fairs import permissions
from fairs.models import (
    Agreement,
    FairPage,
    Meeting,
    Participant,
)


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
        # The storage names the file at random (models.agreement_document_path); the page shows this.
        agreement.document_name = PurePath(data.document.name or "").name[:255]
        agreement.document = data.document
    agreement.full_clean()
    agreement.save()
    agreement.products.set(data.products)
    return agreement
