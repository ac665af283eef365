"""What a buyer needs to pay one order by bank transfer: the VietQR code and the same details in words.

The code carries the cooperative's bank (BIN), account, the exact amount and the order number as
the transfer's description (marketplace/payments/vietqr.py); the page shows the bank's name, the
account holder and the amount in Vietnamese words beside it, so the buyer can check what their
banking app shows before they confirm.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from catalog.qr import inline_qr_svg
from marketplace.models import Order, PaymentMethod
from marketplace.payments import vietqr
from marketplace.payments.banks import bank_name
from marketplace.payments.words import vnd_in_words


@dataclass(frozen=True)
class Transfer:
    order: Order
    payload: str
    qr_svg: SafeString
    bank: str
    amount_in_words: str


def awaits_transfer(order: Order) -> bool:
    """A transfer order that is still to be paid (not paid, not cancelled)."""
    return (
        order.payment_method == PaymentMethod.VIETQR
        and order.payment_status == Order.PaymentStatus.UNPAID
        and order.status != Order.Status.CANCELLED
    )


def transfer_for(order: Order) -> Transfer | None:
    """The order's VietQR code and details, or None when its bank details cannot make a code."""
    try:
        payload = vietqr.build(
            bank_bin=order.bank_bin, account=order.bank_account, amount=order.total_vnd, purpose=order.number
        )
    except ValueError:
        return None
    # The SVG is drawn by the qrcode library from the payload's bits: no text of ours goes into it.
    svg = mark_safe(inline_qr_svg(payload))  # noqa: S308
    return Transfer(
        order=order,
        payload=payload,
        qr_svg=svg,
        bank=bank_name(order.bank_bin),
        amount_in_words=vnd_in_words(order.total_vnd),
    )
