"""Payouts (chi trả): money the platform transferred to a cooperative from what card buyers paid.

A payout is recorded once its bank transfer is made, with the transfer's reference (unique per
cooperative, so entering the same transfer twice is refused). It posts cooperative payable +amount,
card clearing −amount under the key "payout:<id>": what the platform owes the cooperative goes down
by what it paid.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import CooperativePage
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerAccount
from marketplace.ledger.selectors import account_balance
from marketplace.models import Payout
from marketplace.permissions import may_record_payout

MAX_PAYOUT_VND = 10**15


@transaction.atomic
def payout_record(
    *, cooperative: CooperativePage, amount_vnd: int, reference: str, paid_on: datetime.date, user
) -> Payout:
    """Record a bank transfer to the cooperative and take it off what the platform owes it."""
    if not may_record_payout(user, cooperative):
        raise PermissionDenied(_("Only the alliance overseeing this cooperative may record its payouts."))
    errors = {}
    if (
        isinstance(amount_vnd, bool)
        or not isinstance(amount_vnd, int)
        or not 0 < amount_vnd <= MAX_PAYOUT_VND
    ):
        errors["amount_vnd"] = _("Enter a whole number of đồng above 0.")
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        errors["reference"] = _("Enter the bank reference of the transfer (at most 100 characters).")
    if not isinstance(paid_on, datetime.date) or paid_on > timezone.localdate():
        errors["paid_on"] = _("Enter the date of the transfer; it cannot be in the future.")
    if errors:
        raise ValidationError(errors, code="invalid")
    if Payout.objects.filter(cooperative=cooperative, reference=reference).exists():
        raise ValidationError(
            {"reference": _("A payout with this bank reference is already recorded.")}, code="duplicate"
        )
    payable = ledger.cooperative_payable(cooperative)
    # Payouts to one cooperative queue here, so two of them cannot both spend the same balance.
    LedgerAccount.objects.select_for_update().filter(pk=payable.pk).get()
    owed = -account_balance(payable)
    if amount_vnd > owed:
        raise ValidationError(
            {
                "amount_vnd": _("The platform owes this cooperative %(owed)s đ; a payout cannot be more.")
                % {"owed": owed}
            },
            code="more_than_owed",
        )
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                cooperative=cooperative,
                amount_vnd=amount_vnd,
                reference=reference,
                paid_on=paid_on,
                user=user,
            )
    except IntegrityError:
        raise ValidationError(
            {"reference": _("A payout with this bank reference is already recorded.")}, code="duplicate"
        ) from None
    ledger.ledger_post(
        idempotency_key=f"payout:{payout.pk}",
        kind="payout",
        memo=reference,
        postings=[(payable, amount_vnd), (ledger.card_clearing(), -amount_vnd)],
    )
    return payout
