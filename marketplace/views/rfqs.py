"""The supply–demand pages (/cung-cau/): the public board, posting a request for quotation (RFQ),
the buyer's RFQs, one RFQ (with, for its buyer, the matches to invite and the quotes side by
side), accepting a quote, and the message thread between the buyer and one cooperative.

Thin, as marketplace/views/buyer.py: views parse the request with marketplace/forms_rfqs.py, read
through marketplace.selectors (rfqs, quotes, board), ask marketplace/permissions.py, and write
through marketplace.services (rfqs, quotes). A service's ValidationError is shown on the page
with a 4xx (409 when the RFQ or quote is no longer in a state that allows it) and changes
nothing; its PermissionDenied is a 403. An RFQ, quote or thread the visitor may not see is a
404, as one that does not exist, so ids reveal nothing. The buyer of an RFQ is never shown to
anyone but themselves and the cooperative whose quote they accepted (`may_see_buyer`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import verified_email_required
from catalog.localization import vnd
from catalog.models import CooperativeCertification, CooperativePage
from marketplace import forms, forms_rfqs, permissions
from marketplace.matching import quantity_text, rank_cooperatives
from marketplace.models import BuyerDemand, Quote
from marketplace.selectors import board as board_selectors
from marketplace.selectors import orders as order_selectors
from marketplace.selectors import quotes as quote_selectors
from marketplace.selectors import rfqs as rfq_selectors
from marketplace.services import quotes as quote_services
from marketplace.services import rfqs as rfq_services
from marketplace.views.helpers import error_messages, form_messages, put_on_form

BOARD_PER_PAGE = 12
MY_RFQS_PER_PAGE = 20
MESSAGES_PER_PAGE = 50
MATCHES = 10
# A ValidationError with one of these codes means "not in this state" (409), not bad input (400).
CONFLICTS = frozenset({"conflict", "closed", "not_sent"})


def _status_of(error: ValidationError) -> int:
    return 409 if getattr(error, "code", None) in CONFLICTS else 400


def _scheme_labels(schemes) -> list[str]:
    labels = dict(CooperativeCertification.Scheme.choices)
    return [str(labels.get(scheme, scheme)) for scheme in schemes or ()]


def _page_links(request, page, param: str) -> dict:
    """Links to the other pages of one of a page's lists (`param` is its page parameter), keeping
    the rest of the query string."""
    kept = {name: value for name, value in request.GET.items() if name != param and value}

    def href(number) -> str:
        return "?" + urlencode({**kept, param: number})

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return {
        "page_obj": page,
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
        "numbers": [
            {"number": number, "href": href(number) if number != page.paginator.ELLIPSIS else ""}
            for number in numbers
        ],
    }


# --- the board ---------------------------------------------------------------------------------


@require_GET
def board(request):
    """Open public RFQs (buyers hidden) beside the cooperatives' standing offers, searched and
    filtered alike; an invalid filter is said (400) and filters nothing."""
    form = forms_rfqs.BoardFilterForm(
        request.GET,
        categories=board_selectors.categories(),
        provinces=order_selectors.province_choices(),
    )
    status = 200 if form.is_valid() else 400
    filters = form.filters()
    rfqs = Paginator(board_selectors.board_rfqs(**filters), BOARD_PER_PAGE).get_page(request.GET.get("page"))
    offers = Paginator(board_selectors.standing_offers(**filters), BOARD_PER_PAGE).get_page(
        request.GET.get("offers_page")
    )
    for rfq in rfqs.object_list:
        rfq.quantity_text = quantity_text(rfq.quantity, rfq.unit, rfq.per_month)
        rfq.certification_labels = _scheme_labels(rfq.required_certifications)
    for product in offers.object_list:
        product.capacity_text = quantity_text(product.inventory.monthly_capacity, product.unit, True)
    return render(
        request,
        "marketplace/rfqs/board.html",
        {
            "form": form,
            "filtered": form.is_filtered,
            "rfqs": rfqs,
            "rfq_pages": _page_links(request, rfqs, "page"),
            "offers": offers,
            "offer_pages": _page_links(request, offers, "offers_page"),
        },
        status=status,
    )


# --- posting a request for quotation -----------------------------------------------------------


def _rfq_form(request, **kwargs):
    places = {"categories": board_selectors.categories(), "provinces": order_selectors.province_choices()}
    if request.method == "POST":
        return forms_rfqs.RfqForm(request.POST, **places, **kwargs)
    return forms_rfqs.RfqForm.prefilled(request.GET, **places, **kwargs)


@login_required
@verified_email_required
@require_http_methods(["GET", "POST"])
def rfq_new(request):
    """Post a request for quotation; the form may come filled in from the query string (the
    fairs' "Send an RFQ"). On success, the RFQ's page, with the cooperatives to invite."""
    form = _rfq_form(request)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rfq = rfq_services.rfq_create(buyer=request.user, data=form.data_for_service())
            except ValidationError as error:
                put_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("Your request for quotation is posted. Invite the cooperatives that match it best."),
                )
                return redirect("marketplace:rfq", rfq_id=rfq.pk)
    return render(request, "marketplace/rfqs/rfq_new.html", {"form": form}, status=status)


# --- the buyer's requests ----------------------------------------------------------------------


@login_required
@require_GET
def my_rfqs(request):
    """ "Nhu cầu của tôi": the buyer's requests for quotation, newest first, with their quotes."""
    page = Paginator(board_selectors.buyer_rfqs(request.user), MY_RFQS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for rfq in page.object_list:
        rfq.taking_quotes = rfq_selectors.is_open(rfq)
        rfq.quantity_text = quantity_text(rfq.quantity, rfq.unit, rfq.per_month)
    return render(request, "marketplace/rfqs/my_rfqs.html", {"page_obj": page, "rfqs": page.object_list})


# --- one request -------------------------------------------------------------------------------


def _found(lookup, *args):
    """`lookup(*args)`, a selector that raises DoesNotExist for what the user may not see: a 404."""
    try:
        return lookup(*args)
    except ObjectDoesNotExist as error:
        raise Http404(str(error)) from error


def _admin_quote_url(rfq: BuyerDemand) -> str:
    """Where a cooperative's staff quote on the RFQ: its screen in the admin."""
    return f"{reverse('wagtailadmin_home')}marketplace/rfqs/{rfq.pk}/"


def _quote_row(item, *, acceptable: bool = False) -> dict:
    """A quote's card: the comparison (a QuoteView), its certifications named, and whether the
    viewer may accept it."""
    return {"item": item, "acceptable": acceptable, "certifications": _scheme_labels(item.certifications)}


def _buyer_context(request, rfq: BuyerDemand, view, taking_quotes: bool) -> dict:
    invited = {invitation.cooperative_id for invitation in view.invitations}
    matches = rank_cooperatives(rfq, limit=MATCHES) if taking_quotes else []
    today = timezone.localdate()
    quotes = [
        _quote_row(
            item,
            acceptable=taking_quotes
            and item.quote.status == Quote.Status.SENT
            and item.quote.valid_until >= today,
        )
        for item in quote_selectors.quote_views(request.user, rfq)
    ]
    return {
        "invitations": view.invitations,
        "matches": [{"match": match, "invited": match.cooperative.pk in invited} for match in matches],
        "quotes": quotes,
        "can_cancel": taking_quotes,
        "cancel_form": forms.ConfirmForm(),
    }


def _staff_context(request, rfq: BuyerDemand) -> dict:
    threads = board_selectors.staffed_threads(request.user, rfq)
    if not threads:
        return {}
    quotes = [_quote_row(item) for item in quote_selectors.quote_views(request.user, rfq)]
    return {"staff_threads": threads, "own_quotes": quotes}


def _rfq_page(request, rfq_id: int, *, errors=(), status: int = 200):
    view = _found(rfq_selectors.rfq_view, request.user, rfq_id)
    rfq = view.rfq
    taking_quotes = rfq_selectors.is_open(rfq)
    owner = permissions.owns_rfq(request.user, rfq)
    context = {
        "rfq": rfq,
        "buyer": view.buyer,
        "owner": owner,
        "taking_quotes": taking_quotes,
        "quantity": quantity_text(rfq.quantity, rfq.unit, rfq.per_month),
        "certifications": _scheme_labels(rfq.required_certifications),
        "admin_quote_url": _admin_quote_url(rfq),
        "errors": list(errors),
    }
    if owner:
        context.update(_buyer_context(request, rfq, view, taking_quotes))
    else:
        context.update(_staff_context(request, rfq))
    return render(request, "marketplace/rfqs/rfq.html", context, status=status)


@require_GET
def rfq(request, rfq_id: int):
    return _rfq_page(request, rfq_id)


def _rfq_action(request, rfq_id: int, form, act):
    """A posted action on an RFQ the user may see (404 otherwise): `act(rfq, cleaned_data)` gives
    the response; a form's or a service's ValidationError is shown on the RFQ's page (400, or 409
    for a state that no longer allows it), and PermissionDenied is a 403."""
    rfq = _found(rfq_selectors.rfq_for, request.user, rfq_id)
    errors, status = form_messages(form), 400
    if form.is_valid():
        try:
            return act(rfq, form.cleaned_data)
        except ValidationError as error:
            errors, status = error_messages(error), _status_of(error)
    return _rfq_page(request, rfq_id, errors=errors, status=status)


@login_required
@require_POST
def rfq_invite(request, rfq_id: int):
    """Invite one cooperative (by tax code) to quote: the RFQ's buyer, or alliance staff."""

    def invite(rfq, data):
        code = data["cooperative"]
        cooperative = rfq_selectors.invitable_cooperatives([code]).get(code)
        if cooperative is None:
            raise ValidationError(_("No listed cooperative has the tax code %(codes)s.") % {"codes": code})
        invited = rfq_services.rfq_invite(user=request.user, rfq=rfq, cooperatives=[cooperative])
        if invited[0].new:
            messages.success(request, _("%(name)s is invited to quote.") % {"name": cooperative.title})
        else:
            messages.info(request, _("%(name)s was already invited.") % {"name": cooperative.title})
        return redirect(reverse("marketplace:rfq", kwargs={"rfq_id": rfq.pk}) + "#invited")

    return _rfq_action(request, rfq_id, forms_rfqs.InviteForm(request.POST), invite)


@login_required
@require_POST
def rfq_cancel(request, rfq_id: int):
    """The buyer withdraws the RFQ, after a second "yes"."""

    def cancel(rfq, data):
        rfq_services.rfq_cancel(user=request.user, rfq=rfq)
        messages.success(request, _("Your request “%(title)s” is cancelled.") % {"title": rfq.title})
        return redirect("marketplace:rfq", rfq_id=rfq.pk)

    return _rfq_action(request, rfq_id, forms.ConfirmForm(request.POST), cancel)


# --- accepting a quote -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def quote_accept(request, quote_id: int):
    """Review a quote, say where to deliver, and accept it: the order is placed and the buyer
    lands on it. The RFQ's buyer only (403 for the quoting cooperative, 404 for anyone else)."""
    quote = _found(quote_selectors.quote_for, request.user, quote_id)
    if not permissions.may_accept_quote(request.user, quote):
        raise PermissionDenied(_("Only the buyer who asked for this quote can accept it."))
    rfq = quote.rfq
    initial = {**order_selectors.last_shipping_address(request.user), "revision": quote.revision}
    form = forms_rfqs.AcceptQuoteForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        provinces=order_selectors.province_choices(),
        wards_of=order_selectors.ward_choices,
    )
    status, errors = 200, []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                order = quote_services.quote_accept(
                    user=request.user,
                    quote=quote,
                    shipping=form.shipping(),
                    note=form.cleaned_data.get("note", ""),
                    revision=form.cleaned_data["revision"],
                )
            except quote_services.QuoteNotAcceptable as error:
                errors, status = error_messages(error), 409
            except ValidationError as error:
                put_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("You accepted the quote of %(name)s: order %(number)s, %(total)s.")
                    % {
                        "name": quote.cooperative.title,
                        "number": order.number,
                        "total": vnd(order.total_vnd),
                    },
                )
                return redirect("marketplace:order", number=order.number)
        quote.refresh_from_db()
    view = next(
        (item for item in quote_selectors.quote_views(request.user, rfq) if item.quote.pk == quote.pk), None
    )
    if view is None:
        raise Http404(_("No quote %(id)s.") % {"id": quote_id})
    latest = view.latest
    return render(
        request,
        "marketplace/rfqs/quote_accept.html",
        {
            "rfq": rfq,
            "item": view,
            "latest": latest,
            "deposit_vnd": quote_services.deposit_of(latest.total_vnd, latest.deposit_percent),
            "acceptable": quote.status == Quote.Status.SENT
            and quote.valid_until >= timezone.localdate()
            and rfq_selectors.is_open(rfq),
            "form": form,
            "errors": errors,
        },
        status=status,
    )


# --- the message thread ------------------------------------------------------------------------


def _thread_or_404(user, rfq_id: int, tax_code: str) -> tuple[BuyerDemand, CooperativePage]:
    """The RFQ and the cooperative of `user`'s thread about it; 404 unless `user` is the RFQ's
    buyer or that cooperative's staff, and a thread may exist (`may_message`)."""
    rfq = _found(quote_selectors.rfq_for, user, rfq_id)
    return rfq, _found(quote_selectors.thread_cooperative, user, rfq, tax_code)


def _thread_page(request, rfq: BuyerDemand, cooperative: CooperativePage, form, *, status: int = 200):
    thread = quote_selectors.thread_messages(rfq, cooperative)
    paginator = Paginator(thread, MESSAGES_PER_PAGE)
    # The latest messages first: the last page unless another is asked for.
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    owner = permissions.owns_rfq(request.user, rfq)
    return render(
        request,
        "marketplace/rfqs/thread.html",
        {
            "rfq": rfq,
            "cooperative": cooperative,
            "owner": owner,
            "buyer": rfq.buyer if permissions.may_see_buyer(request.user, rfq) else None,
            "thread": page.object_list,
            "page_obj": page,
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def rfq_thread(request, rfq_id: int, tax_code: str):
    rfq, cooperative = _thread_or_404(request.user, rfq_id, tax_code)
    return _thread_page(request, rfq, cooperative, forms_rfqs.MessageForm())


@login_required
@require_POST
def rfq_message_post(request, rfq_id: int, tax_code: str):
    """Write in the thread; the other side is told by email."""
    rfq, cooperative = _thread_or_404(request.user, rfq_id, tax_code)
    form = forms_rfqs.MessageForm(request.POST)
    if form.is_valid():
        try:
            quote_services.rfq_message_post(
                user=request.user, rfq=rfq, cooperative=cooperative, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("Your message is sent."))
            url = reverse(
                "marketplace:rfq_thread", kwargs={"rfq_id": rfq.pk, "tax_code": cooperative.tax_code}
            )
            return redirect(url + "#latest")
    return _thread_page(request, rfq, cooperative, form, status=400)
