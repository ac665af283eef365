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
