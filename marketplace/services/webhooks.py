"""Card processor events: each recorded once, in the same transaction as its effect.

Saleor's rule, kept here: never trust the payload's status. The event only says which
PaymentIntent to look at; its state is read again from the processor (outside any transaction),
and the amount and currency are checked against the purchase. Payment never moves backwards: a
late `payment_failed` re-reads an intent that has succeeded and changes nothing.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from marketplace.models import OrderEvent, Purchase, StripeEvent
from marketplace.payments.card import CardGateway
from marketplace.services.moves import record_event
from marketplace.services.payments import purchase_card_failed, purchase_card_paid

log = logging.getLogger(__name__)

HANDLED = {"payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled"}
FAILED_STATES = {"requires_payment_method", "canceled"}


def _purchase_for(intent_id: str, metadata: dict) -> Purchase | None:
    purchase = Purchase.objects.filter(payment_intent=intent_id).first() if intent_id else None
    if purchase is None and str(metadata.get("purchase_id", "")).isdigit():
        purchase = Purchase.objects.filter(
            pk=int(metadata["purchase_id"]), payment_intent__in=["", intent_id]
        ).first()
    return purchase


def stripe_event_handle(*, event: dict, gateway: CardGateway) -> str:
    """Apply one verified event; returns "duplicate", "ignored" or "applied"."""
    event_id, kind = str(event.get("id") or ""), str(event.get("type") or "")
    if not event_id:
        raise ValidationError("The event has no id.", code="event")
    if StripeEvent.objects.filter(event_id=event_id).exists():
        return "duplicate"
    payload = (event.get("data") or {}).get("object") or {}
    intent_id = str(payload.get("id") or "") if kind in HANDLED else ""
    purchase = _purchase_for(intent_id, payload.get("metadata") or {}) if intent_id else None
    intent = gateway.retrieve_intent(intent_id) if purchase is not None else None
    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event_id, type=kind[:100], purchase=purchase)
            if intent is None:
                return "ignored"
            if intent.status == "succeeded":
                try:
                    purchase_card_paid(
                        purchase=purchase, amount_vnd=intent.amount_vnd, currency=intent.currency
                    )
                except ValidationError:
                    log.error("PaymentIntent %s does not match purchase %s", intent.id, purchase.payment_code)
                    for order in purchase.orders.all():
                        record_event(
                            order=order,
                            kind="note",
                            actor=OrderEvent.Actor.STRIPE,
                            message="amount_mismatch",
                            amount=intent.amount_vnd,
                            currency=intent.currency,
                        )
            elif kind != "payment_intent.succeeded" and intent.status in FAILED_STATES:
                purchase_card_failed(purchase=purchase)
    except IntegrityError:
        # The same event delivered twice at once: the other delivery recorded and applied it.
        return "duplicate"
    return "applied"
