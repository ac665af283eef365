"""Writes for what happens after a meeting: its outcome, the agreements signed, and the orders an
agreement's buyer places under it in the marketplace."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.models import ProductPage
from catalog.money import format_vnd
from fairs import permissions
from fairs.models import (
    Agreement,
    AgreementOrder,
    FairPage,
    Meeting,
    Participant,
)
from marketplace.models import Order
from marketplace.services import agreements as agreed
from marketplace.services.agreements import AgreedLine
from marketplace.services.checkout import ShippingAddress


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


# --- orders under an agreement -------------------------------------------------------------------

ONCE, MONTHLY = "once", "monthly"
MAX_MONTHS = agreed.MAX_DELIVERIES


@dataclass
class AgreementOrdersData:
    """What the buyer orders under an agreement: the lines of each delivery (the cooperative's
    products at the agreed unit prices), when (once, or monthly for `months` months from
    `first_delivery`), how each order is paid (vietqr or cod), and where it goes."""

    lines: Sequence[AgreedLine]
    first_delivery: datetime.date
    payment_method: str
    shipping: ShippingAddress
    schedule: str = ONCE
    months: int = 1
    note: str = ""


def _deliveries(data: AgreementOrdersData) -> list[datetime.date]:
    if data.schedule == ONCE:
        months = 1
    elif data.schedule == MONTHLY:
        months = data.months
        if isinstance(months, bool) or not isinstance(months, int) or not 2 <= months <= MAX_MONTHS:
            raise ValidationError(
                {"months": _("Deliver monthly for 2 to %(max)s months.") % {"max": MAX_MONTHS}}, code="months"
            )
    else:
        raise ValidationError({"schedule": _("Deliver once, or every month.")}, code="schedule")
    first = data.first_delivery
    if not isinstance(first, datetime.date) or isinstance(first, datetime.datetime):
        raise ValidationError(
            {"first_delivery": _("Give the date of the first delivery.")}, code="first_delivery"
        )
    if first < timezone.localdate():
        raise ValidationError(
            {"first_delivery": _("The first delivery cannot be in the past.")}, code="first_delivery"
        )
    return agreed.monthly(first, months=months)


def _vnd(amount: int) -> str:
    return format_vnd(amount, translation.get_language() or settings.LANGUAGE_CODE)


def _about(agreement: Agreement) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # stored once on each order, read by both sides
        return _("Under the %(kind)s signed on %(date)s at “%(fair)s”.") % {
            "kind": agreement.get_kind_display().lower(),
            "date": agreement.signed_on.strftime("%d/%m/%Y"),
            "fair": agreement.fair.title,
        }


@transaction.atomic
def agreement_place_orders(*, agreement: Agreement, user, data: AgreementOrdersData) -> list[Order]:
    """The agreement's buyer places its orders with the cooperative in the marketplace: one per
    delivery, each with its own payment code (marketplace.services.agreements.orders_from_terms),
    linked to the agreement.

    The products are the cooperative's listed products (those the agreement names, when it names
    any). Together with the orders already placed under it and not cancelled, the orders stay within
    the agreement's value, and no two fall on one day: so posting the same schedule twice (a double
    click) places it once, and a schedule can later be extended with more deliveries.
    """
    # The row lock makes two submissions under one agreement take turns (SQLite: BEGIN IMMEDIATE).
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("fair", "buyer", "supplier__cooperative")
        .get(pk=agreement.pk)
    )
    if not permissions.may_order_under(user, agreement):
        raise PermissionDenied(_("Only the buyer of this agreement can place orders under it."))
    cooperative = agreement.supplier.cooperative
    if cooperative is None:
        raise ValidationError(_("This agreement names no cooperative to order from."))
    named = {product.pk for product in agreement.products.all()}
    outside = [line for line in data.lines if named and getattr(line.product, "pk", None) not in named]
    if outside:
        raise ValidationError(
            {
                "lines": _("Order the products the agreement names: %(names)s.")
                % {"names": ", ".join(p.title for p in agreement.products.all())}
            },
            code="lines",
        )
    deliveries = _deliveries(data)
    placed = AgreementOrder.objects.filter(agreement=agreement).exclude(order__status=Order.Status.CANCELLED)
    taken = set(placed.values_list("deliver_on", flat=True))
    clash = sorted(date for date in deliveries if date in taken)
    if clash:
        raise ValidationError(
            {
                "first_delivery": ValidationError(
                    _("Orders under this agreement are already due on %(dates)s.")
                    % {"dates": ", ".join(date.strftime("%d/%m/%Y") for date in clash)},
                    code="conflict",
                )
            },
        )
    per_delivery = sum(
        line.quantity * line.unit_price_vnd
        for line in data.lines
        if isinstance(line.quantity, int) and isinstance(line.unit_price_vnd, int)
    )
    already = placed.aggregate(total=Sum("order__total_vnd"))["total"] or 0
    if already + per_delivery * len(deliveries) > agreement.value_vnd:
        raise ValidationError(
            {
                "lines": ValidationError(
                    _(
                        "These orders come to %(new)s; with %(already)s already ordered, that is more than "
                        "the agreement's value of %(value)s."
                    )
                    % {
                        "new": _vnd(per_delivery * len(deliveries)),
                        "already": _vnd(already),
                        "value": _vnd(agreement.value_vnd),
                    },
                    code="value",
                )
            },
        )
    orders = agreed.orders_from_terms(
        buyer=user,
        cooperative=cooperative,
        terms=agreed.AgreedTerms(
            lines=data.lines,
            deliveries=deliveries,
            payment_method=data.payment_method,
            shipping=data.shipping,
            note=data.note,
        ),
        about=_about(agreement),
        detail={"fair_agreement": agreement.pk},
    )
    before = AgreementOrder.objects.filter(agreement=agreement).count()
    AgreementOrder.objects.bulk_create(
        [
            AgreementOrder(agreement=agreement, order=order, delivery=number, deliver_on=date, placed_by=user)
            for number, (order, date) in enumerate(zip(orders, deliveries, strict=True), start=before + 1)
        ]
    )
    return orders
