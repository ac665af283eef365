"""The buyer's pages: cart, checkout, payment (card or VietQR), "My orders" and an order's page.

Views parse the request, ask marketplace/permissions.py who may see what, call the services and
render. A service's ValidationError is shown on the page with a 4xx and nothing changes; another
buyer's order is a 404, not a 403, so order numbers cannot be probed. Pages that talk to the card
processor run outside any transaction (the PaymentIntent is never created while rows are locked).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import ValidationError as FormValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import verified_email_required
from catalog.localization import display_name, vnd
from catalog.selectors import public_products
from marketplace import forms, permissions
from marketplace.cart_session import cart_to_fill, current_cart
from marketplace.models import Order, PaymentMethod, Purchase
from marketplace.payments.card import CardGatewayError, card_gateway
from marketplace.selectors import orders as order_selectors
from marketplace.selectors.carts import CartView, cart_line, cart_line_ids, cart_view
from marketplace.services import carts
from marketplace.services import checkout as checkout_service
from marketplace.services.orders import StatusChange, order_change_status
from marketplace.services.payments import purchase_card_paid, purchase_start_card_payment
from marketplace.views.dev_card import local_stand_in
from marketplace.views.helpers import error_messages as _error_messages
from marketplace.views.helpers import form_messages as _form_messages
from marketplace.views.helpers import put_on_form as _put_on_form
from marketplace.views.transfers import awaits_transfer, transfer_for

S = Order.Status


def _order_for_buyer(request, number: str) -> Order:
    """The order with this number if the signed-in user bought it; a 404 for anyone else."""
    order = order_selectors.order_by_number(number)
    if order is None or not permissions.is_buyer_of(request.user, order):
        raise Http404(_("No such order."))
    return order


# --- cart --------------------------------------------------------------------------------------------


def _render_cart(request, *, errors=(), line_errors=None, status=200, back_to=None):
    view = cart_view(current_cart(request))
    return render(
        request,
        "marketplace/cart.html",
        {
            "cart": view,
            "errors": list(errors),
            "line_errors": line_errors or {},
            "back_to": back_to,
            "can_check_out": not view.is_empty and not view.has_problems and not view.price_changes,
        },
        status=status,
    )


@require_GET
def cart(request):
    return _render_cart(request)


@require_POST
def cart_add(request):
    """Add a product from its page; on a broken rule, the cart page says which (4xx), nothing added."""
    form = forms.AddToCartForm(request.POST)
    if not form.is_valid():
        return _render_cart(request, errors=_form_messages(form), status=400)
    product = public_products().filter(pk=form.cleaned_data["product"]).first()
    if product is None:
        return _render_cart(request, errors=[_("This product is not on sale.")], status=404)
    quantity = form.cleaned_data["quantity"]
    try:
        # Not one transaction with the cart's creation: a rolled-back id could be given again on
        # SQLite, and the session would then point at someone else's cart.
        carts.cart_add(cart=cart_to_fill(request), product=product, quantity=quantity)
    except ValidationError as error:
        return _render_cart(request, errors=_error_messages(error), status=400, back_to=product)
    messages.success(
        request,
        _("Added %(quantity)s × %(name)s to your cart.")
        % {"quantity": quantity, "name": display_name(product)},
    )
    return redirect("marketplace:cart")


@require_POST
def cart_line_change(request, line_id: int):
    """Change one line's quantity, or remove it. A line of another cart is a 404."""
    line = cart_line(current_cart(request), line_id) if line_id <= forms.MAX_ID else None
    if line is None:
        return _render_cart(request, errors=[_("This line is not in your cart.")], status=404)
    form = forms.LineForm(request.POST)
    if not form.is_valid():
        return _render_cart(request, line_errors={line.pk: _form_messages(form)}, status=400)
    if form.cleaned_data["action"] == forms.LineForm.REMOVE:
        carts.cart_remove(line=line)
        messages.success(
            request, _("%(name)s was removed from your cart.") % {"name": display_name(line.product)}
        )
        return redirect("marketplace:cart")
    try:
        carts.cart_set_quantity(line=line, quantity=form.cleaned_data["quantity"])
    except ValidationError as error:
        return _render_cart(request, line_errors={line.pk: _error_messages(error)}, status=400)
    messages.success(
        request, _("The quantity of %(name)s is changed.") % {"name": display_name(line.product)}
    )
    return redirect("marketplace:cart")


@require_POST
def cart_accept_prices(request):
    """Accept the new prices the buyer was shown (posted back as hidden fields), never others."""
    the_cart = current_cart(request)
    back = request.POST.get("back") if request.POST.get("back") in ("cart", "checkout") else "cart"
    try:
        prices = forms.accepted_prices(request.POST)
    except FormValidationError as error:
        return _render_cart(request, errors=_error_messages(error), status=400)
    if cart_line_ids(the_cart, prices) != set(prices):
        return _render_cart(request, errors=[_("This line is not in your cart.")], status=404)
    carts.cart_accept_prices(cart=the_cart, prices=prices)
    messages.success(request, _("The new prices are accepted."))
    return redirect(f"marketplace:{back}")


# --- checkout ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentOption:
    value: str
    label: str
    available: bool
    explanation: str


def _payment_options(view: CartView) -> list[PaymentOption]:
    """The three ways to pay, each available or not, with why not."""
    without_cash = ", ".join(g.cooperative.title for g in view.groups if not g.terms.cash_on_delivery)
    without_bank = ", ".join(g.cooperative.title for g in view.groups if not g.terms.has_bank_account)
    transfer_ok, cash_ok, card_ok = (
        view.accepts_transfer,
        view.accepts_cash_on_delivery,
        card_gateway() is not None,
    )
    return [
        PaymentOption(
            PaymentMethod.VIETQR,
            PaymentMethod.VIETQR.label,
            transfer_ok,
            _(
                "Scan a VietQR code in your banking app. Each cooperative is paid to its own account; "
                "unpaid orders are cancelled after %(hours)s hours."
            )
            % {"hours": settings.TRANSFER_PAYMENT_HOLD_HOURS}
            if transfer_ok
            else _("%(names)s have no bank account for transfers yet.") % {"names": without_bank},
        ),
        PaymentOption(
            PaymentMethod.CARD,
            PaymentMethod.CARD.label,
            card_ok,
            _("Visa, Mastercard or JCB, through Stripe. Your bank may ask you to confirm.")
            if card_ok
            else _("Card payment is not available on this site yet."),
        ),
        PaymentOption(
            PaymentMethod.COD,
            PaymentMethod.COD.label,
            cash_ok,
            _("Pay each cooperative in cash when its order arrives.")
            if cash_ok
            else _("%(names)s do not accept cash on delivery.") % {"names": without_cash},
        ),
    ]


def _after_checkout(request, purchase: Purchase):
    orders = order_selectors.purchase_orders(purchase)
    messages.success(
        request,
        ngettext(
            "Thank you. Your purchase %(code)s is placed: %(count)s order, %(total)s.",
            "Thank you. Your purchase %(code)s is placed: %(count)s orders, %(total)s in all.",
            len(orders),
        )
        % {"code": purchase.payment_code, "count": len(orders), "total": vnd(purchase.total_vnd)},
    )
    if purchase.payment_method == PaymentMethod.COD:
        if len(orders) == 1:
            return redirect("marketplace:order", number=orders[0].number)
        return redirect("marketplace:orders")
    return redirect("marketplace:pay", number=orders[0].number)


@login_required
@verified_email_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    """The cart's summary, the shipping address and how to pay; on success, the payment page."""
    the_cart = current_cart(request)
    view = cart_view(the_cart)
    if view.is_empty and request.method == "GET":
        messages.info(request, _("Your cart is empty."))
        return redirect("marketplace:cart")
    initial = order_selectors.last_shipping_address(request.user)
    options = _payment_options(view)
    initial["payment_method"] = next((o.value for o in options if o.available), "")
    form = forms.CheckoutForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        provinces=order_selectors.province_choices(),
        wards_of=order_selectors.ward_choices,
    )
    status, shortages = 200, []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if the_cart is None:
                form.add_error(None, _("Your cart is empty."))
            else:
                try:
                    purchase = checkout_service.checkout(
                        buyer=request.user, cart=the_cart, data=form.data_for_service()
                    )
                except checkout_service.OutOfStock as error:
                    shortages, status = error.shortages, 409
                    form.add_error(None, _("Some products ran out while you were checking out."))
                except ValidationError as error:
                    _put_on_form(form, error)
                else:
                    return _after_checkout(request, purchase)
            # The cart as it is now (a failed checkout changed nothing).
            view = cart_view(the_cart)
    return render(
        request,
        "marketplace/checkout.html",
        {
            "cart": view,
            "form": form,
            "payment_options": options,
            "chosen_method": form["payment_method"].value(),
            "shortages": shortages,
        },
        status=status,
    )


# --- payment -----------------------------------------------------------------------------------------


def _card_page(request, order, orders, *, intent=None, error="", status=200):
    gateway = card_gateway()
    return render(
        request,
        "marketplace/pay_card.html",
        {
            "order": order,
            "purchase": order.purchase,
            "orders": orders,
            "intent": intent,
            "error": error,
            # Read from settings with defaults, so the page works before the Stripe settings exist.
            "publishable_key": getattr(gateway, "publishable_key", "")
            or getattr(settings, "STRIPE_PUBLISHABLE_KEY", ""),
            "stripe_js_url": getattr(gateway, "js_url", "") or getattr(settings, "STRIPE_JS_URL", ""),
            "return_url": request.build_absolute_uri(
                reverse("marketplace:card_return", kwargs={"number": order.number})
            ),
            # Development and tests against localstripe only (marketplace/views/dev_card.py).
            "dev_card_confirm_url": reverse("dev_card_confirm") if local_stand_in() else "",
        },
        status=status,
    )


@login_required
@require_GET
@transaction.non_atomic_requests
def pay(request, number: str):
    """Pay the purchase this order belongs to: the card form, or a VietQR code for each order."""
    order = _order_for_buyer(request, number)
    purchase = order.purchase
    orders = order_selectors.purchase_orders(purchase)
    if purchase.payment_method == PaymentMethod.COD:
        return redirect("marketplace:order", number=order.number)
    if purchase.payment_method == PaymentMethod.VIETQR:
        transfers = [(o, transfer_for(o)) for o in orders if awaits_transfer(o)]
        return render(
            request,
            "marketplace/pay_transfer.html",
            {"order": order, "purchase": purchase, "orders": orders, "transfers": transfers},
        )
    if not any(o.status != S.CANCELLED and not o.paid for o in orders):
        messages.info(request, _("There is nothing left to pay on this purchase."))
        return redirect("marketplace:order", number=order.number)
    if card_gateway() is None:
        return _card_page(
            request, order, orders, error=_("Card payment is not available right now."), status=503
        )
    try:
        intent = purchase_start_card_payment(purchase=purchase)
    except CardGatewayError:
        return _card_page(
            request,
            order,
            orders,
            error=_("We could not reach the card processor. Wait a moment, then try again."),
            status=502,
        )
    except ValidationError as error:
        return _card_page(request, order, orders, error=" ".join(_error_messages(error)), status=409)
    if intent.status == "succeeded":
        return redirect("marketplace:card_return", number=order.number)
    return _card_page(request, order, orders, intent=intent)


@login_required
@require_GET
@transaction.non_atomic_requests
def card_return(request, number: str):
    """Where Stripe sends the buyer back: read the intent again (never the query string), then record it."""
    order = _order_for_buyer(request, number)
    purchase = order.purchase
    gateway = card_gateway()
    if purchase.payment_method != PaymentMethod.CARD or not purchase.payment_intent or gateway is None:
        return redirect("marketplace:order", number=order.number)
    try:
        intent = gateway.retrieve_intent(purchase.payment_intent)
    except (CardGatewayError, ValueError):
        messages.warning(
            request,
            _("We could not check your card payment just now. The order will show it as soon as we hear."),
        )
        return redirect("marketplace:order", number=order.number)
    if intent.id != purchase.payment_intent:
        raise Http404(_("No such payment."))
    if intent.status == "succeeded":
        try:
            purchase_card_paid(purchase=purchase, amount_vnd=intent.amount_vnd, currency=intent.currency)
        except ValidationError as error:
            messages.error(request, " ".join(_error_messages(error)))
        else:
            messages.success(request, _("Thank you. Your card payment is received."))
        return redirect("marketplace:order", number=order.number)
    if intent.status == "processing":
        messages.info(
            request, _("Your card payment is being processed. This page will show it when it is done.")
        )
        return redirect("marketplace:order", number=order.number)
    messages.error(request, _("The card payment did not go through. You can try again."))
    return redirect("marketplace:pay", number=order.number)


# --- orders ------------------------------------------------------------------------------------------


@login_required
@require_GET
def orders(request):
    """ "Đơn hàng của tôi": the buyer's orders, newest first, 20 a page."""
    page = Paginator(order_selectors.buyer_orders(request.user), order_selectors.ORDERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "marketplace/orders.html", {"page_obj": page, "orders": page.object_list})


def _order_page(request, order: Order, *, errors=(), status=200):
    transfer = transfer_for(order) if awaits_transfer(order) else None
    return render(
        request,
        "marketplace/order.html",
        {
            "order": order,
            "purchase": order.purchase,
            "lines": order.lines.all(),
            "timeline": order_selectors.timeline(order),
            "awaits_transfer": awaits_transfer(order),
            "transfer": transfer,
            "awaits_card": order.payment_method == PaymentMethod.CARD
            and not order.paid
            and order.status != S.CANCELLED,
            "can_cancel": order.status == S.PLACED,
            "can_complete": order.status == S.DELIVERED,
            "errors": list(errors),
        },
        status=status,
    )


@login_required
@require_GET
def order(request, number: str):
    return _order_page(request, _order_for_buyer(request, number))


def _change(request, order: Order, to: str):
    """Apply the buyer's status change; a refusal is shown with the order, nothing changed."""
    try:
        order_change_status(order=order, user=request.user, change=StatusChange(to=to))
    except ValidationError as error:
        return False, _error_messages(error)
    except PermissionDenied as error:
        return False, [str(error) or _("You may not make this change to the order.")]
    return True, []


@login_required
@require_http_methods(["GET", "POST"])
def order_cancel(request, number: str):
    """Cancel an order before the cooperative confirms it, after a second "yes"."""
    order = _order_for_buyer(request, number)
    form = forms.ConfirmForm(request.POST if request.method == "POST" else None)
    status = 200
    errors: list[str] = []
    if order.status != S.PLACED:
        errors, status = (
            [_("This order can no longer be cancelled.")],
            409 if request.method == "POST" else 200,
        )
    elif request.method == "POST":
        if form.is_valid():
            done, errors = _change(request, order, S.CANCELLED)
            if done:
                messages.success(request, _("Order %(number)s is cancelled.") % {"number": order.number})
                return redirect("marketplace:order", number=order.number)
            status = 409
        else:
            errors, status = _form_messages(form), 400
    return render(
        request,
        "marketplace/order_cancel.html",
        {"order": order, "form": form, "errors": errors, "cancellable": order.status == S.PLACED},
        status=status,
    )


@login_required
@require_POST
def order_received(request, number: str):
    """ "Đã nhận hàng": the buyer confirms a delivered order arrived, which completes it."""
    order = _order_for_buyer(request, number)
    done, errors = _change(request, order, S.COMPLETED)
    if not done:
        return _order_page(request, order, errors=errors, status=409)
    messages.success(request, _("Thank you. Order %(number)s is complete.") % {"number": order.number})
    return redirect("marketplace:order", number=order.number)
