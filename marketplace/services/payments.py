"""Money arriving on orders and leaving them: paid, failed, refunded, with the ledger kept in step.

Whatever reports a payment (the card webhook, the card return page, a bank statement, the
cooperative collecting cash) ends in `order_mark_paid`, whose conditional update lets exactly one
report through; the ledger transaction it posts has a key made from the order's id, so even a
second path reaching the ledger would post once.

Ledger postings (debit positive):
- card, paid:   card clearing +total; cooperative payable −(total − commission); commission −commission.
- transfer/cash, paid (the money reached the cooperative itself): cooperative receivable
  +commission; commission −commission (nothing when the commission is 0).
- card refund requested: cooperative payable +amount; refunds −amount; sent: refunds +amount;
  card clearing −amount. A transfer or cash refund is paid back by the cooperative from its own
  account, recorded with the bank reference, and moves no platform money.
- payout to a cooperative: cooperative payable +amount; card clearing −amount.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import emails
from marketplace.ledger import services as ledger
from marketplace.models import Order, OrderEvent, OrderLine, PaymentMethod, Purchase, Refund
from marketplace.payments.card import CardGatewayError, card_gateway
from marketplace.services import stock
from marketplace.services.moves import move_payment, move_status, record_event

log = logging.getLogger(__name__)

A = OrderEvent.Actor
P = Order.PaymentStatus
S = Order.Status


def _post_paid(order: Order) -> None:
    cooperative, total, commission = order.cooperative, order.total_vnd, order.commission_vnd
    if order.payment_method == PaymentMethod.CARD:
        postings = [
            (ledger.card_clearing(), total),
            (ledger.cooperative_payable(cooperative), -(total - commission)),
            (ledger.platform_commission(), -commission),
        ]
    else:
        postings = [
            (ledger.cooperative_receivable(cooperative), commission),
            (ledger.platform_commission(), -commission),
        ]
    postings = [(account, amount) for account, amount in postings if amount]
    if postings:
        ledger.ledger_post(
            idempotency_key=f"order:{order.pk}:paid", kind="order_paid", memo=order.number, postings=postings
        )


def release_stock(order: Order) -> bool:
    """Give the order's tracked stock back, once (a conditional update on `holds_stock`)."""
    if not Order.objects.filter(pk=order.pk, holds_stock=True).update(holds_stock=False):
        return False
    lines = OrderLine.objects.filter(order=order, stock_tracked=True, product__isnull=False)
    stock.give_back(lines.values_list("product_id", "quantity"))
    order.holds_stock = False
    return True


def _reinstate(order: Order, actor: str) -> bool:
    """Take stock again for an order that expired before its payment arrived; False if short."""
    lines = list(OrderLine.objects.filter(order=order, product__isnull=False))
    tracked_before = {line.product_id for line in lines if line.stock_tracked}
    with transaction.atomic():
        taken, shortages = stock.allocate(
            (line.product_id, line.quantity) for line in lines if line.product_id in tracked_before
        )
        if shortages:
            transaction.set_rollback(True)
            return False
    move_status(
        order=order,
        to=S.PLACED,
        actor=actor,
        fields={"holds_stock": bool(taken), "hold_until": None, "expired": False, "cancel_reason": ""},
        reinstated=True,
    )
    return True


@transaction.atomic
def order_mark_paid(*, order: Order, actor: str, user=None, reference: str = "", quiet: bool = False) -> bool:
    """Record that the order's whole total arrived; False (nothing written) if it was already paid."""
    order = Order.objects.select_related("cooperative", "purchase__buyer").get(pk=order.pk)
    detail = {"reference": reference} if reference else {}
    if not move_payment(
        order=order, to=P.PAID, actor=actor, user=user, quiet=quiet, fields={"hold_until": None}, **detail
    ):
        return False
    _post_paid(order)
    if order.status == S.CANCELLED:
        if order.expired and _reinstate(order, actor):
            emails.status_changed(order)
        else:
            record_event(order=order, kind="note", actor=A.SYSTEM, message="paid_after_cancel")
            order_refund(
                order=order,
                amount_vnd=order.total_vnd,
                actor=A.SYSTEM,
                reason=_("Paid after the order was cancelled."),
            )
    emails.payment_received(order)
    return True


def purchase_card_paid(*, purchase: Purchase, amount_vnd: int, currency: str) -> int:
    """The card processor reports the purchase's PaymentIntent succeeded; mark its orders paid.

    Refuses an amount or currency that is not the purchase's. Returns how many orders moved.
    """
    if currency.lower() != "vnd" or amount_vnd != purchase.total_vnd:
        raise ValidationError(_("The card payment does not match the purchase."), code="mismatch")
    moved = 0
    for order in purchase.orders.all():
        moved += order_mark_paid(order=order, actor=A.STRIPE, quiet=True)
    return moved


@transaction.atomic
def purchase_card_failed(*, purchase: Purchase) -> int:
    """A card attempt failed: pending orders go back to unpaid (paid ones never move back)."""
    moved = 0
    for order in purchase.orders.filter(payment_status=P.PENDING):
        moved += move_payment(order=order, to=P.UNPAID, actor=A.STRIPE, quiet=True)
    return moved


def purchase_start_card_payment(*, purchase: Purchase):
    """Create (or fetch again) the purchase's PaymentIntent, outside any transaction; orders become pending.

    The idempotency key is the purchase's id, so a retry returns the same intent.
    """
    gateway = card_gateway()
    if gateway is None or purchase.payment_method != PaymentMethod.CARD:
        raise ValidationError(_("Card payment is not available for this purchase."), code="card")
    if purchase.payment_intent:
        intent = gateway.retrieve_intent(purchase.payment_intent)
    else:
        intent = gateway.create_intent(
            amount_vnd=purchase.total_vnd,
            idempotency_key=f"purchase-{purchase.pk}-intent",
            metadata={"purchase": purchase.payment_code, "purchase_id": str(purchase.pk)},
        )
    with transaction.atomic():
        Purchase.objects.filter(pk=purchase.pk, payment_intent="").update(payment_intent=intent.id)
        purchase.payment_intent = intent.id
        for order in purchase.orders.filter(payment_status=P.UNPAID):
            move_payment(order=order, to=P.PENDING, actor=A.SYSTEM, quiet=True)
    return intent


def _refundable(order: Order) -> int:
    asked = (
        Refund.objects.filter(order=order)
        .exclude(status=Refund.Status.FAILED)
        .aggregate(total=Sum("amount_vnd"))
    )
    return order.total_vnd - (asked["total"] or 0)


@transaction.atomic
def order_refund(
    *, order: Order, amount_vnd: int, actor: str, user=None, reference: str = "", reason: str = ""
) -> Refund:
    """Refund part or all of a paid order. Card refunds go to the processor after commit."""
    order = (
        Order.objects.select_for_update().select_related("cooperative", "purchase__buyer").get(pk=order.pk)
    )
    if not order.paid:
        raise ValidationError(_("Only a paid order can be refunded."), code="not_paid")
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd < 1:
        raise ValidationError({"amount_vnd": _("Enter a whole number of đồng above 0.")}, code="amount")
    left = _refundable(order)
    if amount_vnd > left:
        raise ValidationError(
            {"amount_vnd": _("At most %(left)s đ can still be refunded.") % {"left": left}}, code="amount"
        )
    reference, reason = (reference or "").strip()[:100], (reason or "").strip()[:500]
    refund = Refund.objects.create(
        order=order,
        amount_vnd=amount_vnd,
        method=order.payment_method,
        reference=reference,
        reason=reason,
        user=user,
    )
    record_event(
        order=order, kind="refund:requested", actor=actor, user=user, amount_vnd=amount_vnd, refund=refund.pk
    )
    if order.payment_method == PaymentMethod.CARD:
        ledger.ledger_post(
            idempotency_key=f"refund:{refund.pk}:requested",
            kind="refund_requested",
            memo=order.number,
            postings=[
                (ledger.cooperative_payable(order.cooperative), amount_vnd),
                (ledger.refunds(), -amount_vnd),
            ],
        )
        transaction.on_commit(lambda: refund_send(refund=refund))
    elif reference:
        _refund_done(refund, actor=actor, user=user)
    emails.refunded(order, amount_vnd)
    return refund


def refund_send(*, refund: Refund) -> Refund:
    """Ask the card processor for a requested card refund (idempotent on the refund's id)."""
    refund = Refund.objects.select_related("order__purchase").get(pk=refund.pk)
    if refund.status != Refund.Status.REQUESTED or refund.method != PaymentMethod.CARD:
        return refund
    gateway = card_gateway()
    try:
        if gateway is None:
            raise CardGatewayError("Card payments are not configured.")
        result = gateway.refund(
            intent_id=refund.order.purchase.payment_intent,
            amount_vnd=refund.amount_vnd,
            idempotency_key=f"refund-{refund.pk}",
        )
    except CardGatewayError as error:
        log.warning("Card refund %s failed: %s", refund.pk, error)
        with transaction.atomic():
            attempt = _failures(refund)
            if Refund.objects.filter(pk=refund.pk, status=Refund.Status.REQUESTED).update(
                status=Refund.Status.FAILED
            ):
                record_event(
                    order=refund.order,
                    kind="refund:failed",
                    actor=A.STRIPE,
                    refund=refund.pk,
                    error=str(error)[:200],
                )
                ledger.ledger_post(
                    idempotency_key=f"refund:{refund.pk}:failed" + (f":{attempt}" if attempt else ""),
                    kind="refund_failed",
                    memo=refund.order.number,
                    postings=[
                        (ledger.refunds(), refund.amount_vnd),
                        (ledger.cooperative_payable(refund.order.cooperative), -refund.amount_vnd),
                    ],
                )
        refund.refresh_from_db()
        return refund
    with transaction.atomic():
        Refund.objects.filter(pk=refund.pk).update(stripe_refund=result.id)
        refund.stripe_refund = result.id
        _refund_done(refund, actor=A.STRIPE)
    return refund


def _failures(refund: Refund) -> int:
    """How often the card processor refused `refund` so far (each retry's ledger keys carry it)."""
    return OrderEvent.objects.filter(
        order_id=refund.order_id, kind="refund:failed", detail__refund=refund.pk
    ).count()


def refund_retry(*, refund: Refund, actor: str, user=None) -> Refund:
    """Send a card refund to the processor again; call it outside any transaction.

    A failed refund is requested anew (its amount is owed to the buyer again in the ledger) if the
    order can still take it; a refund stuck as requested is simply sent again. The processor's
    idempotency key stays the refund's own, so a refund that did go through the first time, with
    only its answer lost, is not paid twice.
    """
    if refund.method != PaymentMethod.CARD:
        raise ValidationError(_("Card refunds are sent through the card processor."), code="card")
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("cooperative").get(pk=refund.order_id)
        refund = Refund.objects.get(pk=refund.pk)
        if refund.status == Refund.Status.SUCCEEDED:
            raise ValidationError(_("This refund is already recorded."), code="done")
        if refund.status == Refund.Status.FAILED:
            if refund.amount_vnd > _refundable(order):
                raise ValidationError(
                    _("The order cannot take this refund any more: other refunds were made meanwhile."),
                    code="amount",
                )
            attempt = _failures(refund)
            Refund.objects.filter(pk=refund.pk, status=Refund.Status.FAILED).update(
                status=Refund.Status.REQUESTED
            )
            record_event(
                order=order,
                kind="refund:requested",
                actor=actor,
                user=user,
                amount_vnd=refund.amount_vnd,
                refund=refund.pk,
                retry=attempt,
            )
            ledger.ledger_post(
                idempotency_key=f"refund:{refund.pk}:requested:{attempt}",
                kind="refund_requested",
                memo=order.number,
                postings=[
                    (ledger.cooperative_payable(order.cooperative), refund.amount_vnd),
                    (ledger.refunds(), -refund.amount_vnd),
                ],
            )
    return refund_send(refund=refund)


@transaction.atomic
def refund_record_reference(*, refund: Refund, reference: str, user, actor: str) -> Refund:
    """A transfer or cash refund was paid back by the cooperative: record its bank reference."""
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise ValidationError(
            {"reference": _("Enter the bank reference of the refund transfer.")}, code="reference"
        )
    if refund.method == PaymentMethod.CARD:
        raise ValidationError(_("Card refunds are sent through the card processor."), code="card")
    if not Refund.objects.filter(pk=refund.pk, status=Refund.Status.REQUESTED).update(reference=reference):
        raise ValidationError(_("This refund is already recorded."), code="done")
    refund.reference = reference
    _refund_done(refund, actor=actor, user=user)
    return refund


def _refund_done(refund: Refund, *, actor: str, user=None) -> None:
    if not Refund.objects.filter(pk=refund.pk, status=Refund.Status.REQUESTED).update(
        status=Refund.Status.SUCCEEDED
    ):
        return
    refund.status = Refund.Status.SUCCEEDED
    order = Order.objects.select_for_update().get(pk=refund.order_id)
    refunded = order.refunded_vnd + refund.amount_vnd
    to = P.REFUNDED if refunded >= order.total_vnd else P.PARTLY_REFUNDED
    move_payment(
        order=order,
        to=to,
        actor=actor if actor in (A.COOPERATIVE, A.ALLIANCE) else A.SYSTEM,
        user=user,
        fields={"refunded_vnd": F("refunded_vnd") + refund.amount_vnd},
        expect={"refunded_vnd": order.refunded_vnd},
        amount_vnd=refund.amount_vnd,
        reference=refund.reference or refund.stripe_refund,
    )
    if refund.method == PaymentMethod.CARD:
        ledger.ledger_post(
            idempotency_key=f"refund:{refund.pk}:sent",
            kind="refund_sent",
            memo=order.number,
            postings=[(ledger.refunds(), refund.amount_vnd), (ledger.card_clearing(), -refund.amount_vnd)],
        )


def actor_for(user, order: Order) -> str:
    """How `user` acts on `order`: as its buyer, its cooperative's staff, or overseeing alliance staff."""
    from marketplace.permissions import is_buyer_of, may_fulfil, oversees

    if may_fulfil(user, order.cooperative):
        return A.COOPERATIVE
    if is_buyer_of(user, order):
        return A.BUYER
    if oversees(user, order.cooperative):
        return A.ALLIANCE
    raise PermissionDenied(_("This is not your order."))


@transaction.atomic
def order_cancel(*, order: Order, user=None, actor: str, reason: str = "", expired: bool = False) -> Order:
    """Cancel: stock goes back, and a paid order is refunded in full."""
    reason = (reason or "").strip()
    if actor in (A.COOPERATIVE, A.ALLIANCE) and not reason:
        raise ValidationError({"reason": _("Tell the buyer why the order is cancelled.")}, code="reason")
    if len(reason) > 500:
        raise ValidationError(
            {"reason": _("The reason is too long (at most 500 characters).")}, code="reason"
        )
    expect = {"payment_status__in": [P.UNPAID, P.PENDING]} if expired else None
    order = move_status(
        order=order,
        to=S.CANCELLED,
        actor=actor,
        user=user,
        fields={"cancel_reason": reason, "expired": expired, "hold_until": None},
        expect=expect,
        reason=reason,
    )
    release_stock(order)
    if order.paid and order.payment_status != P.REFUNDED:
        left = _refundable(order)
        if left > 0:
            order_refund(
                order=order,
                amount_vnd=left,
                actor=A.SYSTEM if actor == A.BUYER else actor,
                user=user,
                reason=reason,
            )
    emails.status_changed(order, by_buyer=actor == A.BUYER)
    return order


def expire_unpaid_orders(*, now=None) -> int:
    """Cancel card and transfer orders still unpaid after their hold, giving their stock back."""
    now = now or timezone.now()
    due = Order.objects.filter(
        status=S.PLACED,
        payment_status__in=[P.UNPAID, P.PENDING],
        payment_method__in=[PaymentMethod.CARD, PaymentMethod.VIETQR],
        hold_until__lt=now,
    ).select_related("purchase__buyer", "cooperative")
    expired = 0
    for order in due.iterator():
        try:
            order_cancel(order=order, actor=A.SYSTEM, reason=_("Not paid in time."), expired=True)
        except ValidationError:
            continue  # paid or moved meanwhile
        expired += 1
    return expired
