"""The emails of B2B trade on quotes: a quote received, accepted, not chosen or withdrawn, a message.

As marketplace/emails.py does for orders, each function builds the messages of one event and hands
them to `send_after_commit`, so a rolled-back service sends nothing. Before a quote is accepted,
nothing sent to a cooperative names the buyer of the RFQ (a public RFQ hides them), and message
bodies arrive as stored, with contacts masked.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.money import format_vnd
from catalog.notifications import Email, send_after_commit
from catalog.permissions import cooperatives_staff_emails
from marketplace import emails
from marketplace.emails_rfqs import admin_rfq_url, site_rfq_url
from marketplace.models import Order, PaymentMethod, Quote, QuoteRevision, RfqMessage


def _vnd(amount: int) -> str:
    return format_vnd(amount, "vi")


def _send(messages: list[Email]) -> None:
    send_after_commit([message for message in messages if message.to])


def quote_received(quote: Quote, revision: QuoteRevision) -> None:
    """To the buyer: a new quote, or a new revision of one."""
    values = {
        "cooperative": quote.cooperative.title,
        "title": quote.rfq.title,
        "total": _vnd(revision.total_vnd),
        "date": revision.valid_until.isoformat(),
        "revision": revision.number,
    }
    if revision.number == 1:
        subject = _("New quote on “%(title)s” from %(cooperative)s") % values
        body = _("%(cooperative)s quotes %(total)s in all, valid until %(date)s.") % values
    else:
        subject = _("%(cooperative)s revised its quote on “%(title)s”") % values
        body = _("Revision %(revision)s: %(total)s in all, valid until %(date)s.") % values
    body = "\n\n".join([body, _("Compare the quotes: %(url)s") % {"url": site_rfq_url(quote.rfq)}])
    _send([Email(to=quote.rfq.buyer.email, subject=subject, body=body)])


def quote_withdrawn(quote: Quote) -> None:
    values = {"cooperative": quote.cooperative.title, "title": quote.rfq.title}
    subject = _("%(cooperative)s withdrew its quote on “%(title)s”") % values
    body = "\n\n".join([subject + ".", site_rfq_url(quote.rfq)])
    _send([Email(to=quote.rfq.buyer.email, subject=subject, body=body)])


def quote_accepted(quote: Quote, revision: QuoteRevision, order: Order, summary: str) -> None:
    """To the buyer: the order their acceptance placed, with how to pay; to the cooperative: the order.
    `summary` states the agreed terms (services.quotes.terms_summary)."""
    values = {"number": order.number, "total": _vnd(order.total_vnd), "title": quote.rfq.title}
    buyer_parts = [
        _("You accepted the quote of %(cooperative)s: order %(number)s, %(total)s.")
        % {**values, "cooperative": quote.cooperative.title},
        summary,
        emails.order_url(order),
    ]
    if order.payment_method == PaymentMethod.VIETQR:
        buyer_parts.append(emails.transfer_instructions(order))
        if revision.deposit_percent:
            buyer_parts.append(
                _(
                    "The transfer above is for the whole amount. To pay the deposit first, transfer it "
                    "with the same description: the order counts as paid once the whole amount is in."
                )
            )
    messages = [
        Email(
            to=quote.rfq.buyer.email,
            subject=_("Order %(number)s placed from your accepted quote") % values,
            body="\n\n".join(buyer_parts),
        )
    ]
    staff_body = "\n\n".join(
        [
            _("Your quote on “%(title)s” was accepted: order %(number)s, %(total)s.") % values,
            summary,
            emails.admin_url(order),
        ]
    )
    messages += emails.staff_emails(
        quote.cooperative, _("Quote accepted: order %(number)s") % values, staff_body
    )
    _send(messages)


def quotes_declined(rfq, quotes: list[Quote]) -> None:
    """A polite notice to each cooperative whose quote was not chosen."""
    if not quotes:
        return
    staff = cooperatives_staff_emails(quote.cooperative for quote in quotes)
    subject = _("Your quote on “%(title)s”") % {"title": rfq.title}
    messages = []
    for quote in quotes:
        body = (
            _(
                "Thank you for your quote on “%(title)s”. The buyer has chosen another offer this time; "
                "we hope to see you quote again."
            )
            % {"title": rfq.title}
            + "\n\n"
            + admin_rfq_url(rfq)
        )
        messages += emails.staff_emails(
            quote.cooperative, subject, body, staff=staff.get(quote.cooperative_id, [])
        )
    _send(messages)


def message_posted(message: RfqMessage) -> None:
    """To the other side of the thread: the buyer, or the cooperative's staff."""
    rfq = message.rfq
    values = {"title": rfq.title, "cooperative": message.cooperative.title}
    if message.from_buyer:
        subject = _("The buyer wrote about “%(title)s”") % values
        body = "\n\n".join([message.body, _("Answer here: %(url)s") % {"url": admin_rfq_url(rfq)}])
        messages = emails.staff_emails(message.cooperative, subject, body)
    else:
        subject = _("%(cooperative)s wrote about “%(title)s”") % values
        thread = reverse(
            "marketplace:rfq_thread", kwargs={"rfq_id": rfq.pk, "tax_code": message.cooperative.tax_code}
        )
        url = settings.SITE_BASE_URL.rstrip("/") + thread
        body = "\n\n".join([message.body, _("Answer here: %(url)s") % {"url": url}])
        messages = [Email(to=rfq.buyer.email, subject=subject, body=body)]
    _send(messages)
