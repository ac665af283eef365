"""The emails an order sends: to the buyer and to the cooperative's staff, after commit only.

Each function returns the messages for one event; the services hand them to
`catalog.notifications.send_after_commit`, so a rolled-back move sends nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.money import format_vnd
from catalog.notifications import Email, send_after_commit
from catalog.permissions import cooperative_staff_users, cooperatives_staff_emails
from marketplace.models import Order, PaymentMethod, Purchase
from marketplace.payments.banks import bank_name
from marketplace.payments.words import vnd_in_words


def _vnd(amount: int) -> str:
    return format_vnd(amount, "vi")


def order_url(order: Order) -> str:
    return settings.SITE_BASE_URL + reverse("marketplace:order", kwargs={"number": order.number})


def admin_url(order: Order) -> str:
    return settings.SITE_BASE_URL + reverse("marketplace_order", kwargs={"number": order.number})


def transfer_instructions(order: Order) -> str:
    return "\n".join(
        [
            _("Bank: %(bank)s") % {"bank": bank_name(order.bank_bin)},
            _("Account: %(account)s, %(name)s")
            % {"account": order.bank_account, "name": order.bank_account_name},
            _("Amount: %(amount)s (%(words)s)")
            % {"amount": _vnd(order.total_vnd), "words": vnd_in_words(order.total_vnd)},
            _("Transfer description: %(code)s") % {"code": order.number},
        ]
    )


def staff_emails(cooperative, subject: str, body: str, *, staff: list[str] | None = None) -> list[Email]:
    """One email to each of the cooperative's staff (`staff`: their addresses, if known)."""
    if staff is None:
        staff = [user.email for user in cooperative_staff_users(cooperative)]
    return [Email(to=email, subject=subject, body=body) for email in staff if email]


def purchase_placed(purchase: Purchase, orders: list[Order]) -> None:
    buyer = purchase.buyer
    parts = [
        _("Thank you. Your purchase %(code)s has %(count)s order(s), %(total)s in all.")
        % {"code": purchase.payment_code, "count": len(orders), "total": _vnd(purchase.total_vnd)}
    ]
    for order in orders:
        parts.append(
            f"\n{order.number} · {order.cooperative.title} · {_vnd(order.total_vnd)}\n{order_url(order)}"
        )
        if purchase.payment_method == PaymentMethod.VIETQR:
            parts.append(transfer_instructions(order))
    if purchase.payment_method == PaymentMethod.VIETQR:
        parts.append(
            "\n"
            + _(
                "Each cooperative is paid to its own account. Unpaid orders are cancelled after %(hours)s hours."
            )
            % {"hours": settings.TRANSFER_PAYMENT_HOLD_HOURS}
        )
    emails = [
        Email(
            to=buyer.email,
            subject=_("Purchase %(code)s received") % {"code": purchase.payment_code},
            body="\n".join(parts),
        )
    ]
    staff = cooperatives_staff_emails(order.cooperative for order in orders)
    for order in orders:
        body = _("New order %(number)s: %(total)s, paid by %(method)s.\n%(url)s") % {
            "number": order.number,
            "total": _vnd(order.total_vnd),
            "method": order.get_payment_method_display(),
            "url": admin_url(order),
        }
        subject = _("New order %(number)s") % {"number": order.number}
        emails += staff_emails(order.cooperative, subject, body, staff=staff.get(order.cooperative_id, []))
    send_after_commit([email for email in emails if email.to])


STATUS_SUBJECTS = {  # marked with gettext_noop, translated when sent
    Order.Status.CONFIRMED: gettext_noop("Order %(number)s confirmed"),
    Order.Status.SHIPPED: gettext_noop("Order %(number)s shipped"),
    Order.Status.DELIVERED: gettext_noop("Order %(number)s delivered"),
    Order.Status.CANCELLED: gettext_noop("Order %(number)s cancelled"),
    Order.Status.PLACED: gettext_noop("Order %(number)s reinstated"),
}


def status_changed(order: Order, *, by_buyer: bool = False) -> None:
    subject = STATUS_SUBJECTS.get(order.status)
    if subject is None:
        return
    subject = _(subject) % {"number": order.number}
    lines = [subject + ".", order_url(order)]
    if order.status == Order.Status.SHIPPED and (order.carrier or order.tracking_number):
        lines.insert(
            1,
            _("Carrier: %(carrier)s, tracking number: %(tracking)s")
            % {"carrier": order.carrier or "-", "tracking": order.tracking_number or "-"},
        )
    if order.status == Order.Status.CANCELLED and order.cancel_reason:
        lines.insert(1, _("Reason: %(reason)s") % {"reason": order.cancel_reason})
    body = "\n".join(lines)
    emails = [Email(to=order.purchase.buyer.email, subject=subject, body=body)]
    if by_buyer:
        emails = staff_emails(order.cooperative, subject, body.replace(order_url(order), admin_url(order)))
    send_after_commit([email for email in emails if email.to])


def payment_received(order: Order) -> None:
    subject = _("Payment received for order %(number)s") % {"number": order.number}
    body = _("%(amount)s received for order %(number)s.") % {
        "amount": _vnd(order.total_vnd),
        "number": order.number,
    }
    emails = [Email(to=order.purchase.buyer.email, subject=subject, body=body + "\n" + order_url(order))]
    emails += staff_emails(order.cooperative, subject, body + "\n" + admin_url(order))
    send_after_commit([email for email in emails if email.to])


def refunded(order: Order, amount_vnd: int) -> None:
    subject = _("Refund on order %(number)s") % {"number": order.number}
    body = _("%(amount)s is being refunded on order %(number)s.") % {
        "amount": _vnd(amount_vnd),
        "number": order.number,
    }
    send_after_commit(
        [Email(to=order.purchase.buyer.email, subject=subject, body=body + "\n" + order_url(order))]
    )
