"""What people do to an order: confirm, ship, deliver, complete, cancel.

A cooperative's staff move their own orders forward; the buyer may cancel before confirmation and
complete a delivered order; cash on delivery is paid when the cooperative marks the order
delivered with the cash collected. The moves themselves are in marketplace/services/moves.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace import emails
from marketplace.models import Order, OrderEvent, PaymentMethod
from marketplace.services.moves import move_status
from marketplace.services.payments import actor_for, order_cancel, order_mark_paid

A = OrderEvent.Actor
S = Order.Status


@dataclass(frozen=True)
class StatusChange:
    to: str
    carrier: str = ""
    tracking_number: str = ""
    reason: str = ""
    cash_collected: bool = False


def _short(value: str, limit: int, field: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)s characters.") % {"limit": limit}}, code="too_long")
    return value


@transaction.atomic
def order_change_status(*, order: Order, user, change: StatusChange) -> Order:
    """Apply a person's status change to `order`, or refuse it with a reason."""
    order = Order.objects.select_related("cooperative", "purchase__buyer").get(pk=order.pk)
    actor = actor_for(user, order)
    to = change.to
    if to not in S.values:
        raise ValidationError({"to": _("Unknown order status.")}, code="status")
    if to == S.CANCELLED:
        if actor == A.ALLIANCE:
            raise PermissionDenied(_("Only the cooperative or the buyer can cancel an order."))
        return order_cancel(order=order, user=user, actor=actor, reason=_short(change.reason, 500, "reason"))
    if actor != A.COOPERATIVE and to != S.COMPLETED:
        raise PermissionDenied(_("Only the cooperative's staff can do this."))
    fields = {}
    detail = {}
    if to == S.CONFIRMED and order.payment_method != PaymentMethod.COD and not order.paid:
        raise ValidationError(_("Wait until the order is paid before confirming it."), code="unpaid")
    if to == S.SHIPPED:
        carrier = _short(change.carrier, 100, "carrier")
        tracking = _short(change.tracking_number, 100, "tracking_number")
        if not carrier and order.shipping_method != "pickup":
            raise ValidationError({"carrier": _("Name the carrier.")}, code="carrier")
        fields = {"carrier": carrier, "tracking_number": tracking}
        detail = {"carrier": carrier, "tracking_number": tracking}
    if (
        to == S.DELIVERED
        and order.payment_method == PaymentMethod.COD
        and not order.paid
        and not change.cash_collected
    ):
        raise ValidationError(
            {"cash_collected": _("Confirm that the cash was collected.")}, code="cash_collected"
        )
    order = move_status(order=order, to=to, actor=actor, user=user, fields=fields, **detail)
    if to == S.DELIVERED and order.payment_method == PaymentMethod.COD and not order.paid:
        order_mark_paid(order=order, actor=actor, user=user)
        order.refresh_from_db()
    emails.status_changed(order, by_buyer=actor == A.BUYER)
    return order
