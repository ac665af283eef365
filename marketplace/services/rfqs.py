"""Writes for requests for quotation (RFQs): post one, invite cooperatives to quote, cancel it.

An RFQ is a BuyerDemand of kind RFQ, made by marketplace.services.demands like a demand at a fair,
with a deadline for quotes, a visibility (public on the board, or invited cooperatives only) and
the buyer's kind of business. Only verified buyers post them (`permissions.may_post_rfq`).

Invitations come from the RFQ's buyer (any listed cooperative, usually from the matches of
marketplace.matching) or from alliance staff (the cooperatives they oversee). Each keeps the score
and reasons the ranking gave the cooperative, and the staff of each newly invited cooperative are
emailed after commit; the invitation itself is what their admin dashboard lists.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import CooperativePage
from marketplace import emails_rfqs, permissions, pricing, rfq_index
from marketplace.matching import rank_cooperatives
from marketplace.models import BuyerDemand, RfqInvitation
from marketplace.selectors.rfqs import is_open, open_rfqs
from marketplace.services import demands
from marketplace.services.demands import DemandData

MAX_DEADLINE_DAYS = 180
MAX_QUANTITY = pricing.MAX_QUANTITY
MAX_TARGET_PRICE_VND = 10**12
MAX_TITLE = BuyerDemand._meta.get_field("title").max_length
MAX_UNIT = BuyerDemand._meta.get_field("unit").max_length
MAX_DETAILS = 4000
MAX_INVITATIONS = 50
# A control character is never text a buyer typed; PostgreSQL refuses NUL outright.
_CONTROL = {chr(c) for c in range(32)} - {"\n", "\r", "\t"} | {"\x7f"}


@dataclass
class RfqData(DemandData):
    """What a buyer asks for (DemandData), until when quotes are taken, who may see it, and the
    buyer's kind of business (BuyerKind)."""

    deadline: datetime.date | None = None
    visibility: str = BuyerDemand.Visibility.PUBLIC
    company_kind: str = ""


def _an_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text_problem(value, *, required: bool, limit: int) -> str | None:
    if not isinstance(value, str):
        return _("Enter text.")
    if required and not value.strip():
        return _("This is required.")
    if len(value) > limit:
        return _("At most %(limit)s characters.") % {"limit": limit}
    if any(c in _CONTROL for c in value):
        return _("Contains a control character.")
    return None


def _problems(data: RfqData) -> dict[str, list[str]]:
    """What is wrong with `data`, by field (empty when nothing is)."""
    problems: dict[str, str | None] = {
        "title": _text_problem(data.title, required=True, limit=MAX_TITLE),
        "unit": _text_problem(data.unit, required=True, limit=MAX_UNIT),
        "details": _text_problem(data.details, required=False, limit=MAX_DETAILS),
    }
    if not _an_int(data.quantity) or not 1 <= data.quantity <= MAX_QUANTITY:
        problems["quantity"] = _("The quantity is a whole number from 1 to %(max)s.") % {"max": MAX_QUANTITY}
    price = data.target_price_vnd
    if price is not None and (not _an_int(price) or not 0 <= price <= MAX_TARGET_PRICE_VND):
        problems["target_price_vnd"] = _("The target price is a whole number of đồng from 0 to %(max)s.") % {
            "max": MAX_TARGET_PRICE_VND
        }
    today = timezone.localdate()
    latest = today + datetime.timedelta(days=MAX_DEADLINE_DAYS)
    deadline = data.deadline
    if not isinstance(deadline, datetime.date) or isinstance(deadline, datetime.datetime):
        problems["deadline"] = _("Give the last day for quotes.")
    elif not today < deadline <= latest:
        problems["deadline"] = _(
            "The last day for quotes is after today and at most %(days)s days ahead."
        ) % {"days": MAX_DEADLINE_DAYS}
    if data.delivery_province is None:
        problems["delivery_province"] = _("Say where the goods are to be delivered.")
    return {field: [message] for field, message in problems.items() if message}


@transaction.atomic
def rfq_create(*, buyer, data: RfqData) -> BuyerDemand:
    """Post a request for quotation (yêu cầu báo giá), checked; open until its deadline."""
    if not permissions.may_post_rfq(buyer):
        raise PermissionDenied(_("Confirm your email address to post a request for quotation."))
    problems = _problems(data)
    if problems:
        raise ValidationError(problems)
    return demands.demand_create(
        buyer=buyer,
        data=data,
        kind=BuyerDemand.Kind.RFQ,
        deadline=data.deadline,
        visibility=data.visibility,
        company_kind=data.company_kind,
    )


def _closed() -> ValidationError:
    # The "conflict" code: not bad input, but not possible in the RFQ's state (the API answers 409).
    return ValidationError(_("This request for quotation is no longer open."), code="conflict")


@dataclass(frozen=True)
class Invited:
    """A cooperative's invitation to an RFQ, and whether this call made it."""

    invitation: RfqInvitation
    new: bool


@transaction.atomic
def rfq_invite(*, user, rfq: BuyerDemand, cooperatives: Iterable[CooperativePage]) -> list[Invited]:
    """Invite cooperatives to quote on an open RFQ; inviting one twice changes nothing.

    The RFQ's buyer may invite any listed cooperative (published and verified), alliance staff
    those they oversee. A new invitation keeps the cooperative's score and reasons from
    `rank_cooperatives` when the ranking finds it (in the inviter's language, as they saw them).
    """
    chosen = list({cooperative.pk: cooperative for cooperative in cooperatives}.values())
    if not chosen:
        raise ValidationError(_("Name at least one cooperative to invite."))
    if len(chosen) > MAX_INVITATIONS:
        raise ValidationError(
            _("Invite at most %(count)s cooperatives at a time.") % {"count": MAX_INVITATIONS}
        )
    if not rfq.is_rfq or not permissions.may_invite_all(user, rfq, chosen):
        raise PermissionDenied(_("You may not invite these cooperatives to quote on this request."))
    unlisted = [c for c in chosen if not c.live or c.verification != CooperativePage.Verification.VERIFIED]
    if unlisted:
        raise ValidationError(
            _("Not a listed cooperative: %(names)s.") % {"names": ", ".join(c.tax_code for c in unlisted)}
        )
    # The row lock makes concurrent invitations to this RFQ take turns (and a cancellation wait).
    # Only the RFQ's row: PostgreSQL locks no row of an outer join (category, province may be null).
    rfq = (
        BuyerDemand.objects.select_for_update(of=("self",))
        .select_related("category", "category__parent", "delivery_province")
        .get(pk=rfq.pk)
    )
    if not is_open(rfq):
        raise _closed()
    already = set(
        RfqInvitation.objects.filter(rfq=rfq, cooperative__in=chosen).values_list("cooperative_id", flat=True)
    )
    new = [c for c in chosen if c.pk not in already]
    if new:
        ranked = {match.cooperative.pk: match for match in rank_cooperatives(rfq, limit=None)}
        by_alliance = not permissions.owns_rfq(user, rfq)
        invitations = []
        for cooperative in new:
            match = ranked.get(cooperative.pk)
            invitations.append(
                RfqInvitation(
                    rfq=rfq,
                    cooperative=cooperative,
                    invited_by=user,
                    by_alliance=by_alliance,
                    score=match.score if match else None,
                    reasons=match.reasons if match else [],
                )
            )
        RfqInvitation.objects.bulk_create(invitations)
        emails_rfqs.invited(rfq, new)
    found = RfqInvitation.objects.filter(rfq=rfq, cooperative__in=chosen).select_related("cooperative")
    by_cooperative = {invitation.cooperative_id: invitation for invitation in found}
    return [Invited(by_cooperative[c.pk], c.pk not in already) for c in chosen]


@transaction.atomic
def rfq_cancel(*, user, rfq: BuyerDemand) -> BuyerDemand:
    """The buyer withdraws an open RFQ: it leaves the board and takes no more quotes."""
    if not rfq.is_rfq or not permissions.owns_rfq(user, rfq):
        raise PermissionDenied(_("Only the buyer who posted this request can cancel it."))
    now = timezone.now()
    # One conditional update: of two racing cancellations (or a cancellation and the expiry), one wins.
    cancelled = (
        open_rfqs()
        .filter(pk=rfq.pk)
        .update(status=BuyerDemand.Status.CANCELLED, closed_at=now, updated_at=now)
    )
    if not cancelled:
        raise _closed()
    rfq_index.queue([rfq.pk])  # an update sends no signal
    rfq.refresh_from_db()
    return rfq
