"""Who may do what with carts and orders: one function per question.

Buyers act on their own purchases; a cooperative's staff on that cooperative's orders; alliance
staff on the orders of cooperatives seated in their provinces (the national alliance everywhere),
for refunds and settlement. Superusers may do everything.
"""

from django.db.models import Q

from accounts.permissions import has_verified_email
from catalog.models import Alliance
from catalog.permissions import staffing


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def may_check_out(user) -> bool:
    """Verified buyers (anyone with a confirmed email address) may check out."""
    return _active(user) and has_verified_email(user)


def is_buyer_of(user, order) -> bool:
    return _active(user) and order.purchase.buyer_id == user.pk


def may_fulfil(user, cooperative) -> bool:
    """Confirm, ship, deliver and cancel the cooperative's orders: its staff and superusers."""
    if not _active(user):
        return False
    return user.is_superuser or staffing(user).staffs_cooperative(cooperative.pk)


def oversees(user, cooperative) -> bool:
    """Alliance staff whose alliance covers the cooperative's province (national: all)."""
    ids = staffing(user).alliance_ids if _active(user) else frozenset()
    if not ids:
        return False
    covering = Q(kind=Alliance.Kind.NATIONAL) | Q(provinces=cooperative.province_id)
    return Alliance.objects.filter(covering, pk__in=ids).exists()


def may_refund(user, cooperative) -> bool:
    """Refunds: the cooperative's staff, alliance staff overseeing it, and superusers."""
    return may_fulfil(user, cooperative) or oversees(user, cooperative)


def may_view_settlement(user, cooperative) -> bool:
    return may_refund(user, cooperative)


def may_reconcile(user, cooperative) -> bool:
    """Import bank statements into a cooperative's account and settle their lines by hand: its staff
    and superusers. `None` is the platform's own account: superusers only."""
    if cooperative is None:
        return _active(user) and user.is_superuser
    return may_fulfil(user, cooperative)


def may_reconcile_any(user) -> bool:
    """Whether to show the reconciliation screens at all: superusers and the staff of a cooperative."""
    return _active(user) and (user.is_superuser or bool(staffing(user).cooperative_ids))


def may_record_payout(user, cooperative) -> bool:
    """Record money the platform paid out to a cooperative: superusers and alliance staff overseeing it."""
    return _active(user) and (user.is_superuser or oversees(user, cooperative))


def may_view_any_settlement(user) -> bool:
    """Whether to show the settlement screen: superusers, cooperative staff and alliance staff."""
    if not _active(user):
        return False
    people = staffing(user)
    return user.is_superuser or bool(people.cooperative_ids) or bool(people.alliance_ids)
