"""Quotes on requests for quotation (báo giá): sending and revising, accepting, withdrawing, the
message thread between an RFQ's buyer and each cooperative, and expiry.

**Sending.** A cooperative's staff answer an open RFQ (before its deadline) with lines (one of the
cooperative's own listed products by SKU, which gives the line its name, unit and VAT rate; or
free text with a unit, the RFQ's by default, and a VAT rate), payment terms (transfer before
delivery, a deposit percentage, or cash on delivery), a lead time and a validity date. Unit prices
are whole đồng and include VAT, as catalogue prices do; the quote's total is the sum of its lines.
The first answer makes the Quote (revision 1); answering again makes a new QuoteRevision and moves
the Quote's total and validity to it, while the quote is still "sent". Every revision is kept.

**Accepting** is one conditional update, sent → accepted, while the quote is valid and its RFQ
open; the unique constraint `marketplace_one_accepted_quote` backs it. The RFQ row is locked
first so that accepts and new revisions on one RFQ queue up rather than deadlock, but the update
decides (SQLite has no row locks; its writers queue at BEGIN IMMEDIATE). In the same transaction
the RFQ becomes "awarded", its other sent quotes "declined" (their cooperatives get a polite
notice), and a marketplace Purchase with one Order is made at the latest revision's prices:

- payment: transfer and deposit terms → a VietQR transfer to the cooperative's own account (it
  needs one; acceptance is refused otherwise), cash on delivery → cash on delivery;
- no stock is taken: quoted goods are produced or set aside to order, often beyond what the
  catalogue holds, so the order's `holds_stock` is False and its lines track no stock;
- no payment hold: a B2B order is paid on the agreed terms, not within checkout's hours, so the
  order has no `hold_until` and `expire_unpaid` never cancels it (the cooperative may, with a
  reason, as for any order it has not confirmed);
- shipping costs 0: the quote's prices cover delivery as its delivery terms say;
- a deposit is shown, not tracked: the platform records one payment per order (a statement line
  of exactly the total marks it paid), so the order's VietQR code asks for the whole amount, and
  the order's note, its "placed" event and both emails state the agreed deposit (percent and
  đồng) and the rest due on delivery. A deposit transferred alone lands in the statement review
  list as a short payment; the order counts as paid once the whole amount is in.

**Messages.** Until a quote of that cooperative is accepted, email addresses and phone numbers
typed into a message are masked before it is stored, so neither side reaches the other outside
the platform before the deal (the buyer of a public RFQ stays anonymous until then).

**Expiry.** `expire_rfqs_and_quotes` closes open RFQs past their deadline and expires sent quotes
past their validity (marketplace/tasks.py runs it periodically). A closed RFQ takes no quotes and
no acceptance.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.models import CooperativeTerms
from catalog.models.pages import VatRate
from catalog.money import format_vnd
from catalog.selectors import listed_products
from marketplace import pricing, quote_emails, rfq_index
from marketplace.models import (
    BuyerDemand,
    Order,
    OrderLine,
    PaymentMethod,
    PaymentTerms,
    Purchase,
    Quote,
    QuoteLine,
    QuoteRevision,
    RfqMessage,
)
from marketplace.permissions import (
    may_accept_quote,
    may_message,
    may_quote,
    may_withdraw_quote,
    owns_rfq,
)
from marketplace.services.agreements import place_agreed_order
from marketplace.services.checkout import ShippingAddress, check_address

MAX_LINES = 50
MAX_VALID_DAYS = 365
MAX_LEAD_TIME_DAYS = 365
MAX_DELIVERY_TERMS = 300
MAX_NOTE = 2000
MAX_ACCEPT_NOTE = 500
MAX_MESSAGE = 4000
PURCHASE_NOTE_LENGTH = 1000

S = Quote.Status
R = BuyerDemand.Status


class QuoteNotAcceptable(ValidationError):
    """The quote can no longer be accepted (expired, withdrawn, another accepted, RFQ closed);
    the message says which. The API answers 409."""


@dataclass(frozen=True)
class QuoteLineData:
    """A listed product by `sku`, or free text (`description`, `unit` — the RFQ's when empty —
    and `vat_rate`)."""

    quantity: int
    unit_price_vnd: int
    sku: str = ""
    description: str = ""
    unit: str = ""
    vat_rate: str = ""


@dataclass(frozen=True)
class QuoteData:
    lines: Sequence[QuoteLineData]
    valid_until: datetime.date
    lead_time_days: int
    payment_terms: str
    deposit_percent: int | None = None
    delivery_terms: str = ""
    note: str = ""


# --- checks ------------------------------------------------------------------------------------


def _whole(value, low: int, high: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


def _text(value, *, limit: int, field: str, required: bool = False) -> str:
    value = "" if value is None else value
    if not isinstance(value, str) or "\x00" in value:
        raise ValidationError({field: _("This text holds a character that cannot be saved.")}, code=field)
    value = value.strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")}, code=field)
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)s characters.") % {"limit": limit}}, code=field)
    return value


def _check_open(rfq: BuyerDemand, today: datetime.date) -> None:
    if rfq.kind != BuyerDemand.Kind.RFQ or rfq.status != R.OPEN:
        raise ValidationError(
            _("This request for quotation is %(status)s: it takes no more quotes.")
            % {"status": rfq.get_status_display()},
            code="closed",
        )
    if rfq.deadline is not None and rfq.deadline < today:
        raise ValidationError(
            _("Quotes on this request were due by %(date)s.") % {"date": rfq.deadline.isoformat()},
            code="closed",
        )


def has_bank_account(cooperative) -> bool:
    terms = CooperativeTerms.objects.filter(cooperative=cooperative).first()
    return terms is not None and terms.has_bank_account


def _check_terms(data: QuoteData, cooperative, today: datetime.date) -> dict:
    errors: dict[str, str] = {}
    if data.payment_terms not in PaymentTerms.values:
        errors["payment_terms"] = _("Choose the payment terms: transfer, deposit or cash on delivery.")
    if data.payment_terms == PaymentTerms.DEPOSIT:
        if not _whole(data.deposit_percent, 1, 99):
            errors["deposit_percent"] = _("Give the deposit as a whole percentage from 1 to 99.")
    elif data.deposit_percent is not None:
        errors["deposit_percent"] = _("A deposit percentage goes with deposit terms only.")
    valid_until = data.valid_until
    last = today + datetime.timedelta(days=MAX_VALID_DAYS)
    if (
        not isinstance(valid_until, datetime.date)
        or isinstance(valid_until, datetime.datetime)
        or not today <= valid_until <= last
    ):
        errors["valid_until"] = _("A quote is valid from today up to %(date)s.") % {"date": last.isoformat()}
    if not _whole(data.lead_time_days, 0, MAX_LEAD_TIME_DAYS):
        errors["lead_time_days"] = _("The lead time is a whole number of days from 0 to %(max)s.") % {
            "max": MAX_LEAD_TIME_DAYS
        }
    if errors:
        raise ValidationError(errors, code="terms")
    if data.payment_terms != PaymentTerms.COD and not has_bank_account(cooperative):
        raise ValidationError(
            {
                "payment_terms": _(
                    "Add your cooperative's bank account to its terms of sale before asking for a transfer."
                )
            },
            code="bank",
        )
    return {
        "valid_until": valid_until,
        "lead_time_days": data.lead_time_days,
        "payment_terms": data.payment_terms,
        "deposit_percent": data.deposit_percent,
        "delivery_terms": _text(data.delivery_terms, limit=MAX_DELIVERY_TERMS, field="delivery_terms"),
        "note": _text(data.note, limit=MAX_NOTE, field="note"),
    }


def _product_line(line: QuoteLineData, sku: str, product, line_total: int) -> QuoteLine | str:
    """A line naming one of the cooperative's listed products, or what is wrong with it."""
    if product is None:
        return _("your cooperative lists no product with SKU “%(sku)s”.") % {"sku": sku[:64]}
    if line.vat_rate and line.vat_rate != product.vat_rate:
        return _("the VAT rate of %(sku)s is set on the product (%(rate)s).") % {
            "sku": sku,
            "rate": product.get_vat_rate_display(),
        }
    unit = line.unit.strip() if isinstance(line.unit, str) else ""
    if unit and unit != product.unit:
        return _("%(sku)s is sold by the %(unit)s.") % {"sku": sku, "unit": product.unit}
    return QuoteLine(
        product=product,
        sku=product.sku,
        description=product.title[:255],
        unit=product.unit,
        vat_rate=product.vat_rate,
        quantity=line.quantity,
        unit_price_vnd=line.unit_price_vnd,
        line_total_vnd=line_total,
    )


def _free_line(line: QuoteLineData, rfq: BuyerDemand, line_total: int) -> QuoteLine | str:
    """A line of goods the catalogue does not list, or what is wrong with it."""
    description = line.description.strip() if isinstance(line.description, str) else ""
    unit = (line.unit.strip() if isinstance(line.unit, str) else "") or rfq.unit
    if not description or len(description) > 255 or "\x00" in description:
        return _("give an SKU, or describe the goods (at most 255 characters).")
    if not unit or len(unit) > 30 or "\x00" in unit:
        return _("give the unit (at most 30 characters).")
    if line.vat_rate not in VatRate.values:
        return _("choose the VAT rate of goods not listed in the catalogue.")
    return QuoteLine(
        description=description,
        unit=unit,
        vat_rate=line.vat_rate,
        quantity=line.quantity,
        unit_price_vnd=line.unit_price_vnd,
        line_total_vnd=line_total,
    )


def _one_line(line: QuoteLineData, products: dict, rfq: BuyerDemand) -> QuoteLine | str:
    if not _whole(line.quantity, 1, pricing.MAX_QUANTITY):
        return _("the quantity is a whole number from 1 to %(max)s.") % {"max": pricing.MAX_QUANTITY}
    if not _whole(line.unit_price_vnd, 1, pricing.MAX_AMOUNT):
        return _("the unit price is a whole number of đồng, at least 1.")
    line_total = line.quantity * line.unit_price_vnd
    if line_total > pricing.MAX_AMOUNT:
        return _("the line total is too large.")
    sku = line.sku.strip() if isinstance(line.sku, str) else ""
    if sku:
        return _product_line(line, sku, products.get(sku), line_total)
    return _free_line(line, rfq, line_total)


def _check_lines(lines: Sequence[QuoteLineData], cooperative, rfq: BuyerDemand) -> list[QuoteLine]:
    """The lines as unsaved QuoteLines, or every problem at once."""
    lines = list(lines or ())
    if not lines:
        raise ValidationError({"lines": _("A quote needs at least one line.")}, code="lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(
            {"lines": _("A quote has at most %(max)s lines.") % {"max": MAX_LINES}}, code="lines"
        )
    skus = {line.sku.strip()[:64] for line in lines if isinstance(line.sku, str) and line.sku.strip()}
    products = {}
    if skus:  # one query for every listed product the lines name
        products = {p.sku: p for p in listed_products().filter(cooperative=cooperative, sku__in=skus)}
    built = [_one_line(line, products, rfq) for line in lines]
    problems = [
        _("Line %(n)s: %(problem)s") % {"n": index, "problem": outcome}
        for index, outcome in enumerate(built, start=1)
        if isinstance(outcome, str)
    ]
    if problems:
        raise ValidationError({"lines": problems}, code="lines")
    if sum(line.line_total_vnd for line in built) > pricing.MAX_AMOUNT:
        raise ValidationError({"lines": _("The quote's total is too large.")}, code="lines")
    return built


# --- sending and revising ----------------------------------------------------------------------


@transaction.atomic
def quote_submit(*, user, rfq: BuyerDemand, cooperative, data: QuoteData) -> Quote:
    """Send the cooperative's quote on `rfq`, or a new revision of it; the buyer is told."""
    if not may_quote(user, rfq, cooperative):
        raise PermissionDenied(_("Your cooperative is not invited to quote on this request."))
    # Lock the RFQ: submissions and acceptances on one RFQ queue up, and it is still open at commit.
    rfq = BuyerDemand.objects.select_for_update().get(pk=rfq.pk)
    today = timezone.localdate()
    _check_open(rfq, today)
    terms = _check_terms(data, cooperative, today)
    lines = _check_lines(data.lines, cooperative, rfq)
    subtotal = sum(line.line_total_vnd for line in lines)
    now = timezone.now()
    quote = Quote.objects.select_for_update().filter(rfq=rfq, cooperative=cooperative).first()
    if quote is None:
        quote = Quote.objects.create(
            rfq=rfq, cooperative=cooperative, revision=1, total_vnd=subtotal, valid_until=terms["valid_until"]
        )
    else:
        if quote.status != S.SENT:
            raise ValidationError(
                _("Your quote is %(status)s: it can no longer be revised.")
                % {"status": quote.get_status_display()},
                code="not_sent",
            )
        quote.revision += 1
        quote.total_vnd, quote.valid_until, quote.updated_at = subtotal, terms["valid_until"], now
        Quote.objects.filter(pk=quote.pk, status=S.SENT).update(
            revision=quote.revision, total_vnd=subtotal, valid_until=quote.valid_until, updated_at=now
        )
    revision = QuoteRevision.objects.create(
        quote=quote,
        number=quote.revision,
        subtotal_vnd=subtotal,
        total_vnd=subtotal,
        created_by=user,
        **terms,
    )
    for line in lines:
        line.revision = revision
    QuoteLine.objects.bulk_create(lines)
    quote.rfq = rfq
    quote_emails.quote_received(quote, revision)
    return quote


@transaction.atomic
def quote_withdraw(*, user, quote: Quote) -> Quote:
    """The cooperative takes back its quote while the buyer has not decided; the buyer is told."""
    quote = Quote.objects.select_related("rfq__buyer", "cooperative").get(pk=quote.pk)
    if not may_withdraw_quote(user, quote):
        raise PermissionDenied(_("Only the quoting cooperative's staff can withdraw its quote."))
    now = timezone.now()
    if not Quote.objects.filter(pk=quote.pk, status=S.SENT).update(status=S.WITHDRAWN, updated_at=now):
        quote.refresh_from_db()
        raise ValidationError(
            _("This quote is %(status)s: only a quote still waiting for the buyer can be withdrawn.")
            % {"status": quote.get_status_display()},
            code="not_sent",
        )
    quote.status = S.WITHDRAWN
    quote_emails.quote_withdrawn(quote)
    return quote


# --- accepting ---------------------------------------------------------------------------------


def deposit_of(total_vnd: int, percent: int | None) -> int:
    """The deposit in whole đồng (0 without deposit terms)."""
    return pricing.deposit(total_vnd=total_vnd, percent=percent or 0)


def _last_address(user) -> ShippingAddress:
    """The address of the buyer's most recent purchase, to deliver the quoted goods to."""
    last = Purchase.objects.filter(buyer=user).order_by("-created_at", "-id").first()
    if last is None:
        raise ValidationError(
            {"shipping": _("Give the delivery address: you have no earlier order to take it from.")},
            code="shipping",
        )
    return ShippingAddress(
        name=last.shipping_name,
        phone=last.shipping_phone,
        province=last.shipping_province_id,
        ward=last.shipping_ward_id,
        address=last.shipping_address,
    )


def _why_not(quote_id: int, today: datetime.date, revision: int | None) -> QuoteNotAcceptable:
    quote = Quote.objects.select_related("rfq").get(pk=quote_id)
    if quote.status == S.SENT and revision is not None and quote.revision != revision:
        return QuoteNotAcceptable(
            _("The cooperative has revised this quote (now revision %(revision)s): review it first.")
            % {"revision": quote.revision},
            code="revised",
        )
    if quote.status == S.ACCEPTED:
        return QuoteNotAcceptable(_("You have already accepted this quote."), code="accepted")
    if Quote.objects.filter(rfq=quote.rfq_id, status=S.ACCEPTED).exists():
        return QuoteNotAcceptable(_("Another quote on this request was already accepted."), code="taken")
    if quote.status == S.WITHDRAWN:
        return QuoteNotAcceptable(_("The cooperative withdrew this quote."), code="withdrawn")
    if quote.status == S.EXPIRED or quote.valid_until < today:
        return QuoteNotAcceptable(
            _("This quote was valid until %(date)s.") % {"date": quote.valid_until.isoformat()},
            code="expired",
        )
    if quote.rfq.status not in (R.OPEN, R.CLOSED):
        return QuoteNotAcceptable(
            _("This request for quotation is %(status)s.") % {"status": quote.rfq.get_status_display()},
            code="closed",
        )
    return QuoteNotAcceptable(_("This quote can no longer be accepted."), code="conflict")


def terms_summary(quote: Quote, revision: QuoteRevision) -> str:
    """The agreed terms in one paragraph, for the order's note and the emails."""
    parts = [
        _("From quote no. %(id)s (revision %(revision)s) on “%(title)s”.")
        % {"id": quote.pk, "revision": revision.number, "title": quote.rfq.title}
    ]
    if revision.payment_terms == PaymentTerms.DEPOSIT:
        deposit = deposit_of(revision.total_vnd, revision.deposit_percent)
        parts.append(
            _(
                "Payment: a deposit of %(percent)s%% (%(deposit)s) by transfer, the rest (%(rest)s) on delivery."
            )
            % {
                "percent": revision.deposit_percent,
                "deposit": format_vnd(deposit, translation.get_language() or "vi"),
                "rest": format_vnd(revision.total_vnd - deposit, translation.get_language() or "vi"),
            }
        )
    else:
        parts.append(_("Payment: %(terms)s.") % {"terms": revision.get_payment_terms_display()})
    parts.append(_("Lead time: %(days)s days.") % {"days": revision.lead_time_days})
    if revision.delivery_terms:
        parts.append(_("Delivery: %(terms)s") % {"terms": revision.delivery_terms})
    return " ".join(parts)


def _purchase_note(quote: Quote, revision: QuoteRevision, note: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # stored once, read by both sides
        summary = terms_summary(quote, revision)
    text = f"{summary}\n{note}" if note else summary
    return text if len(text) <= PURCHASE_NOTE_LENGTH else text[: PURCHASE_NOTE_LENGTH - 1] + "…"


def _place_order(*, user, quote: Quote, revision: QuoteRevision, terms, address, note: str, now) -> Order:
    method = PaymentMethod.COD if revision.payment_terms == PaymentTerms.COD else PaymentMethod.VIETQR
    return place_agreed_order(
        terms=terms,
        buyer=user,
        cooperative=quote.cooperative,
        method=method,
        lines=[
            OrderLine(
                product=line.product,
                sku=line.sku,
                name=line.description,
                name_en=line.product.name_en if line.product else "",
                unit=line.unit,
                quantity=line.quantity,
                unit_price_vnd=line.unit_price_vnd,
                line_total_vnd=line.line_total_vnd,
                vat_rate=line.vat_rate,
            )
            for line in revision.lines.select_related("product").order_by("pk")
        ],
        address=address,
        note=_purchase_note(quote, revision, note),
        now=now,
        detail={
            "quote": quote.pk,
            "revision": revision.number,
            "payment_terms": revision.payment_terms,
            "deposit_percent": revision.deposit_percent,
            "deposit_vnd": deposit_of(revision.total_vnd, revision.deposit_percent),
        },
    )


@transaction.atomic
def quote_accept(
    *,
    user,
    quote: Quote,
    shipping: ShippingAddress | None = None,
    note: str = "",
    revision: int | None = None,
) -> Order:
    """Accept the quote: one conditional update decides; then the RFQ is awarded, the other quotes
    declined, and an order placed at the latest revision's prices (see the module docstring).

    `revision`, when given, is the revision the buyer saw: if the cooperative revised the quote
    meanwhile, nothing is accepted and QuoteNotAcceptable says so.
    """
    quote = Quote.objects.select_related("rfq", "cooperative").get(pk=quote.pk)
    if not may_accept_quote(user, quote):
        raise PermissionDenied(_("Only the buyer who asked for this quote can accept it."))
    note = _text(note, limit=MAX_ACCEPT_NOTE, field="note")
    address = check_address(shipping or _last_address(user))
    # Accepts and revisions on one RFQ queue up on its row; the conditional update below decides.
    BuyerDemand.objects.select_for_update().filter(pk=quote.rfq_id).first()
    today, now = timezone.localdate(), timezone.now()
    # Quotes close at the RFQ's deadline, but a quote still valid may be accepted after it.
    rfq_open = Exists(BuyerDemand.objects.filter(pk=OuterRef("rfq_id"), status__in=[R.OPEN, R.CLOSED]))
    acceptable = Quote.objects.filter(rfq_open, pk=quote.pk, status=S.SENT, valid_until__gte=today)
    if revision is not None:
        acceptable = acceptable.filter(revision=revision)
    try:
        with transaction.atomic():
            changed = acceptable.update(status=S.ACCEPTED, accepted_at=now, updated_at=now)
    except IntegrityError:  # marketplace_one_accepted_quote: another quote of the RFQ won
        changed = 0
    if not changed:
        raise _why_not(quote.pk, today, revision)
    # The revision the update accepted: the latest, which may be newer than the quote read above.
    latest = QuoteRevision.objects.filter(quote=quote).order_by("-number").first()
    quote.status, quote.accepted_at = S.ACCEPTED, now
    quote.revision, quote.total_vnd, quote.valid_until = latest.number, latest.total_vnd, latest.valid_until
    terms = CooperativeTerms.objects.filter(cooperative=quote.cooperative).first()
    if latest.payment_terms != PaymentTerms.COD and not (terms and terms.has_bank_account):
        # Raising rolls the acceptance above back.
        raise ValidationError(
            _(
                "%(name)s has no bank account for transfers yet: ask it to add one, "
                "or to revise its quote to cash on delivery."
            )
            % {"name": quote.cooperative.title},
            code="bank",
        )
    BuyerDemand.objects.filter(pk=quote.rfq_id).update(status=R.AWARDED, closed_at=now, updated_at=now)
    rfq_index.queue([quote.rfq_id])  # off the board; an update sends no signal
    quote.rfq.status = R.AWARDED
    declined = list(
        Quote.objects.filter(rfq=quote.rfq_id, status=S.SENT)
        .exclude(pk=quote.pk)
        .select_related("cooperative")
    )
    Quote.objects.filter(pk__in=[other.pk for other in declined], status=S.SENT).update(
        status=S.DECLINED, updated_at=now
    )
    order = _place_order(
        user=user, quote=quote, revision=latest, terms=terms, address=address, note=note, now=now
    )
    Quote.objects.filter(pk=quote.pk).update(order=order)
    quote.order = order
    quote_emails.quote_accepted(quote, latest, order, terms_summary(quote, latest))
    quote_emails.quotes_declined(quote.rfq, declined)
    return order


# --- the message thread ------------------------------------------------------------------------

EMAIL = re.compile(
    r"[\w.+\-]+\s*(?:@|＠|\(at\)|\[at\])\s*[\w\-]+(?:(?:\.|\s*\(dot\)\s*|\s*\[dot\]\s*)[\w\-]+)+",
    re.IGNORECASE,
)
# Vietnamese numbers: 0, 84 or +84 and 8 to 10 more digits, spaced, dotted or dashed as people write them.
PHONE = re.compile(r"(?<![\w+])(?:\(?\+\s*84\)?|\(?84\)?|\(?0)(?:[\s.\-()]{0,2}\d){8,10}(?!\d)")


def mask_contacts(text: str) -> str:
    """The text with every email address and phone number replaced by a mark."""
    mark = _("[hidden]")
    return PHONE.sub(mark, EMAIL.sub(mark, text))


@transaction.atomic
def rfq_message_post(*, user, rfq: BuyerDemand, cooperative, body: str) -> RfqMessage:
    """Write in the thread between the RFQ's buyer and `cooperative`; the other side is told."""
    if not may_message(user, rfq, cooperative):
        raise PermissionDenied(_("You cannot write in this conversation."))
    body = _text(body, limit=MAX_MESSAGE, field="body", required=True)
    if not Quote.objects.filter(rfq=rfq, cooperative=cooperative, status=S.ACCEPTED).exists():
        body = mask_contacts(body)
    message = RfqMessage.objects.create(
        rfq=rfq, cooperative=cooperative, author=user, from_buyer=owns_rfq(user, rfq), body=body
    )
    quote_emails.message_posted(message)
    return message


# --- expiry ------------------------------------------------------------------------------------


@transaction.atomic
def expire_rfqs_and_quotes(*, today: datetime.date | None = None) -> dict:
    """Close open RFQs past their deadline and expire sent quotes past their validity (idempotent)."""
    today = today or timezone.localdate()
    now = timezone.now()
    lapsed = BuyerDemand.objects.filter(kind=BuyerDemand.Kind.RFQ, status=R.OPEN, deadline__lt=today)
    # Search already stops finding them at their deadline; their entries go too (an update sends no signal).
    rfq_index.queue(lapsed.values_list("pk", flat=True))
    closed = lapsed.update(status=R.CLOSED, closed_at=now, updated_at=now)
    expired = Quote.objects.filter(status=S.SENT, valid_until__lt=today).update(
        status=S.EXPIRED, updated_at=now
    )
    return {"rfqs_closed": closed, "quotes_expired": expired}
