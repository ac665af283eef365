"""Writes to the ledger: accounts, balanced transactions and their reversals.

Every write is idempotent on a key the caller builds from its own row ids ("payment:42:captured"),
so a retried webhook or a double-submitted form posts money once. Two processes posting the same
key at once are settled by the unique constraint on `idempotency_key`: the loser's insert fails
inside a savepoint and it returns the winner's transaction. There is deliberately no service that
updates or deletes postings: corrections are reversing transactions (`ledger_reverse`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.models import CooperativePage
from marketplace.ledger.balancing import UnbalancedPostings, check_balanced
from marketplace.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction

REVERSAL_KIND = "reversal"


def _messages() -> dict[str, str]:
    return {
        "empty": _("A ledger transaction needs at least one posting."),
        "amount_type": _("Ledger amounts must be whole numbers of đồng."),
        "zero": _("A ledger posting cannot be zero."),
        "out_of_range": _("This ledger amount is too large."),
        "unbalanced": _("The postings of a ledger transaction must sum to zero."),
    }


@transaction.atomic
def ledger_account_get_or_create(
    *, code: str, kind: str, name: str, cooperative: CooperativePage | None = None
) -> LedgerAccount:
    """Return the account with `code`, creating it; refuse if it exists with another kind or cooperative."""
    candidate = LedgerAccount(code=code, kind=kind, name=name, cooperative=cooperative)
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    account, _created = LedgerAccount.objects.get_or_create(
        code=code, defaults={"kind": kind, "name": name, "cooperative": cooperative}
    )
    if account.kind != kind or account.cooperative_id != (cooperative.pk if cooperative else None):
        raise ValidationError(
            _("Ledger account %(code)s already exists with another kind or cooperative."),
            params={"code": code},
            code="account_mismatch",
        )
    return account


def card_clearing() -> LedgerAccount:
    """Money the card processor has taken from buyers but not yet paid out to the platform."""
    return ledger_account_get_or_create(
        code="card_clearing", kind=LedgerAccount.Kind.ASSET, name=_("Card clearing")
    )


def platform_commission() -> LedgerAccount:
    """The platform's earned commission."""
    return ledger_account_get_or_create(
        code="platform_commission", kind=LedgerAccount.Kind.REVENUE, name=_("Platform commission")
    )


def refunds() -> LedgerAccount:
    """Money owed back to buyers until the refund is paid out."""
    return ledger_account_get_or_create(code="refunds", kind=LedgerAccount.Kind.LIABILITY, name=_("Refunds"))


def _cooperative_account(cooperative: CooperativePage, *, role: str, kind: str, name: str) -> LedgerAccount:
    return ledger_account_get_or_create(
        code=f"coop:{cooperative.tax_code}:{role}", kind=kind, name=name, cooperative=cooperative
    )


def cooperative_payable(cooperative: CooperativePage) -> LedgerAccount:
    """What the platform owes the cooperative for its sales."""
    name = _("Payable to %(cooperative)s") % {"cooperative": cooperative.title}
    return _cooperative_account(cooperative, role="payable", kind=LedgerAccount.Kind.LIABILITY, name=name)


def cooperative_receivable(cooperative: CooperativePage) -> LedgerAccount:
    """What the cooperative owes the platform (commission on sales it was paid for directly)."""
    name = _("Receivable from %(cooperative)s") % {"cooperative": cooperative.title}
    return _cooperative_account(cooperative, role="receivable", kind=LedgerAccount.Kind.ASSET, name=name)


def _existing(
    *, idempotency_key: str, kind: str, postings: Sequence[tuple[LedgerAccount, int]], reverses
) -> LedgerTransaction | None:
    """The transaction already posted under this key, if it is the same one; refuse a different one."""
    existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    stored = existing.postings.values_list("account_id", "amount_vnd")
    same = (
        existing.kind == kind
        and existing.reverses_id == (reverses.pk if reverses else None)
        and sorted(stored) == sorted((account.pk, amount) for account, amount in postings)
    )
    if not same:
        raise ValidationError(
            _("The ledger key %(key)s was already used for a different transaction."),
            params={"key": idempotency_key},
            code="idempotency_conflict",
        )
    return existing


def _post(
    *,
    idempotency_key: str,
    kind: str,
    memo: str,
    postings: Sequence[tuple[LedgerAccount, int]],
    reverses: LedgerTransaction | None = None,
) -> tuple[LedgerTransaction, bool]:
    postings = list(postings)
    try:
        check_balanced(postings)
    except UnbalancedPostings as error:
        raise ValidationError(_messages()[error.code], code=error.code) from error
    for account, _amount in postings:
        if not isinstance(account, LedgerAccount) or account.pk is None:
            raise ValidationError(_("Ledger postings need saved ledger accounts."), code="account")

    found = _existing(idempotency_key=idempotency_key, kind=kind, postings=postings, reverses=reverses)
    if found is not None:
        return found, False

    entry = LedgerTransaction(idempotency_key=idempotency_key, kind=kind, memo=memo, reverses=reverses)
    entry.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # The savepoint keeps the caller's transaction usable when a concurrent writer won the key.
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        found = _existing(idempotency_key=idempotency_key, kind=kind, postings=postings, reverses=reverses)
        if found is not None:
            return found, False
        # Not our key: the unique `reverses` link, so another reversal got there first.
        raise ValidationError(
            _("This ledger transaction has already been reversed."), code="already_reversed"
        ) from None
    LedgerPosting.objects.bulk_create(
        [LedgerPosting(transaction=entry, account=account, amount_vnd=amount) for account, amount in postings]
    )
    return entry, True


@transaction.atomic
def ledger_post(
    *,
    idempotency_key: str,
    kind: str,
    memo: str = "",
    postings: Sequence[tuple[LedgerAccount, int]],
) -> tuple[LedgerTransaction, bool]:
    """Post a balanced transaction once per key; return it and whether this call created it.

    Replaying a key with the same kind and postings returns the stored transaction and False;
    replaying it with different ones raises ValidationError. Nothing is written when it raises.
    """
    return _post(idempotency_key=idempotency_key, kind=kind, memo=memo, postings=postings)


@transaction.atomic
def ledger_reverse(
    *, transaction: LedgerTransaction, idempotency_key: str, memo: str
) -> tuple[LedgerTransaction, bool]:
    """Post the negation of `transaction`, linked to it; a transaction can be reversed only once.

    Replaying the same key returns the reversal already posted, like `ledger_post`.
    """
    original = transaction
    postings = [(row.account, -row.amount_vnd) for row in original.postings.select_related("account")]
    already = LedgerTransaction.objects.filter(reverses=original).exclude(idempotency_key=idempotency_key)
    if already.exists():
        raise ValidationError(
            _("This ledger transaction has already been reversed."), code="already_reversed"
        )
    return _post(
        idempotency_key=idempotency_key, kind=REVERSAL_KIND, memo=memo, postings=postings, reverses=original
    )
