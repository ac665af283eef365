"""The order's two state machines, and the one way to move either: a conditional update.

Order status:   placed → confirmed → shipped → delivered → completed, or → cancelled.
Payment status: unpaid → pending → paid → partly refunded → refunded.

`ORDER_MOVES` and `PAYMENT_MOVES` list every allowed move and who may make it. A move is a single
`UPDATE … WHERE id = %s AND status = <from>`: of two concurrent moves from the same state one
wins and the other changes nothing and is told so. Each move that happens writes one OrderEvent
in the same transaction, so a replayed webhook or a double-clicked button adds no event.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import Order, OrderEvent

S = Order.Status
P = Order.PaymentStatus
A = OrderEvent.Actor

STAFF = frozenset({A.COOPERATIVE, A.ALLIANCE})

ORDER_MOVES: dict[tuple[str, str], frozenset[str]] = {
    (S.PLACED, S.CONFIRMED): STAFF,
    (S.CONFIRMED, S.SHIPPED): STAFF,
    (S.SHIPPED, S.DELIVERED): STAFF,
    (S.DELIVERED, S.COMPLETED): frozenset({A.BUYER, A.SYSTEM, *STAFF}),
    (S.PLACED, S.CANCELLED): frozenset({A.BUYER, A.SYSTEM, *STAFF}),
    (S.CONFIRMED, S.CANCELLED): STAFF,
    # A card or transfer payment that arrives after the order expired puts it back, if stock allows.
    (S.CANCELLED, S.PLACED): frozenset({A.SYSTEM, A.STRIPE, A.BANK}),
}

PAYMENT_MOVES: dict[tuple[str, str], frozenset[str]] = {
    (P.UNPAID, P.PENDING): frozenset({A.SYSTEM, A.STRIPE}),
    (P.PENDING, P.UNPAID): frozenset({A.SYSTEM, A.STRIPE}),
    (P.UNPAID, P.PAID): frozenset({A.STRIPE, A.BANK, *STAFF}),
    (P.PENDING, P.PAID): frozenset({A.STRIPE, A.BANK, *STAFF}),
    (P.PAID, P.PARTLY_REFUNDED): STAFF | {A.SYSTEM},
    (P.PAID, P.REFUNDED): STAFF | {A.SYSTEM},
    (P.PARTLY_REFUNDED, P.PARTLY_REFUNDED): STAFF | {A.SYSTEM},
    (P.PARTLY_REFUNDED, P.REFUNDED): STAFF | {A.SYSTEM},
}


class MoveConflict(ValidationError):
    """The order was no longer in the state the move starts from (someone else moved it first)."""


def record_event(*, order: Order, kind: str, actor: str, user=None, **detail) -> OrderEvent:
    return OrderEvent.objects.create(order=order, kind=kind, actor=actor, user=user, detail=detail)


def record_events(*, orders: list[Order], kind: str, actor: str, user=None, **detail) -> None:
    """The same event on several orders (a checkout placing them), in one insert."""
    OrderEvent.objects.bulk_create(
        [OrderEvent(order=order, kind=kind, actor=actor, user=user, detail=detail) for order in orders]
    )


def _allowed(table, move, actor) -> bool:
    return actor in table.get(move, frozenset())


@transaction.atomic
def move_status(
    *,
    order: Order,
    to: str,
    actor: str,
    user=None,
    fields: dict | None = None,
    expect: dict | None = None,
    **detail,
) -> Order:
    """Move `order` to status `to` by one conditional update, writing its event; refresh `order`."""
    move = (order.status, to)
    if move not in ORDER_MOVES:
        raise ValidationError(
            _("An order that is %(now)s cannot become %(to)s.")
            % {"now": order.get_status_display(), "to": S(to).label if to in S.values else to},
            code="move",
        )
    if not _allowed(ORDER_MOVES, move, actor):
        raise PermissionDenied(_("You may not make this change to the order."))
    changes = {"status": to, "updated_at": timezone.now(), **(fields or {})}
    if not Order.objects.filter(pk=order.pk, status=order.status, **(expect or {})).update(**changes):
        raise MoveConflict(_("The order was changed meanwhile; reload it and try again."), code="conflict")
    record_event(order=order, kind=f"status:{to}", actor=actor, user=user, **detail)
    order.refresh_from_db()
    return order


@transaction.atomic
def move_payment(
    *,
    order: Order,
    to: str,
    actor: str,
    user=None,
    fields: dict | None = None,
    expect: dict | None = None,
    quiet: bool = False,
    **detail,
) -> bool:
    """Move the payment status by one conditional update; return False when it was not in a state
    this move starts from (with `quiet`, e.g. a replayed webhook, instead of raising)."""
    move = (order.payment_status, to)
    if move not in PAYMENT_MOVES or not _allowed(PAYMENT_MOVES, move, actor):
        if quiet:
            return False
        if move not in PAYMENT_MOVES:
            raise ValidationError(
                _("A payment that is %(now)s cannot become %(to)s.")
                % {"now": order.get_payment_status_display(), "to": P(to).label if to in P.values else to},
                code="move",
            )
        raise PermissionDenied(_("You may not make this change to the payment."))
    changes = {"payment_status": to, "updated_at": timezone.now(), **(fields or {})}
    current = Order.objects.filter(pk=order.pk, payment_status=order.payment_status, **(expect or {}))
    if not current.update(**changes):
        if quiet:
            return False
        raise MoveConflict(_("The payment was changed meanwhile; reload it and try again."), code="conflict")
    record_event(order=order, kind=f"payment:{to}", actor=actor, user=user, **detail)
    order.refresh_from_db()
    return True
