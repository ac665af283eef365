"""The emails a schedule of orders at agreed prices sends (marketplace/services/agreements.py): one to
the buyer listing every delivery with how to pay it, one to each of the cooperative's staff. After
commit only, as every order email (marketplace/emails.py)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from catalog.money import format_vnd
from catalog.notifications import Email, send_after_commit
from marketplace import emails
from marketplace.models import Order, PaymentMethod


def _vnd(amount: int) -> str:
    return format_vnd(amount, "vi")


def orders_placed(
    orders: list[Order], deliveries: list[datetime.date], *, about: str, total_vnd: int
) -> None:
    if not orders:
        return
    first = orders[0]
    cooperative, buyer = first.cooperative, first.purchase.buyer
    values = {"count": len(orders), "cooperative": cooperative.title, "total": _vnd(total_vnd)}
    buyer_parts = [
        _("%(count)s order(s) placed with %(cooperative)s at the agreed prices, %(total)s in all.") % values
    ]
    if about:
        buyer_parts.append(about)
    staff_parts = [_("%(count)s new order(s) at agreed prices, %(total)s in all.") % values]
    for order, date in zip(orders, deliveries, strict=True):
        heading = _("%(number)s · delivery on %(date)s · %(total)s") % {
            "number": order.number,
            "date": date.strftime("%d/%m/%Y"),
            "total": _vnd(order.total_vnd),
        }
        buyer_parts.append(f"{heading}\n{emails.order_url(order)}")
        if order.payment_method == PaymentMethod.VIETQR:
            buyer_parts.append(emails.transfer_instructions(order))
        staff_parts.append(f"{heading}\n{emails.admin_url(order)}")
    if first.payment_method == PaymentMethod.VIETQR:
        buyer_parts.append(
            _("Pay each order by its own transfer, with its number as the description, before its delivery.")
        )
    messages = [
        Email(
            to=buyer.email,
            subject=_("Orders placed with %(cooperative)s") % values,
            body="\n\n".join(buyer_parts),
        )
    ]
    messages += emails.staff_emails(
        cooperative, _("%(count)s new order(s) at agreed prices") % values, "\n\n".join(staff_parts)
    )
    send_after_commit([message for message in messages if message.to])
