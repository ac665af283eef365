"""Marketplace API under /api/v1/: the cart, checkout, a buyer's orders, a cooperative's orders.

Thin, as the rest of the API: routes parse input, read through marketplace.selectors.api and
call marketplace.services for every write. config/api.py answers a service's ValidationError
with 400, PermissionDenied with 403 and an unknown id (DoesNotExist) with 404, each as
{"detail": message}; no session is 401. Two answers are decided here:

- 409 means "not allowed in the order's current state": checkout when stock ran out (with the
  short lines), a status move the order's state does not allow, or one that lost a race.
- The card processor is called after the checkout transaction has committed (there is no
  ATOMIC_REQUESTS). If it cannot be reached the purchase still stands: checkout answers 201 with
  `payment.error`, and POST /purchases/{payment_code}/card asks again (503 while it stays down).

Authentication is Django's session. Every route checks the CSRF token on unsafe methods, the
cart routes too, though anonymous visitors may use them: their cart is a row whose id their
session keeps (request.session["cart_id"], as the pages do), created on their first write.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError
from ninja.security import SessionAuth, django_auth

from catalog.api import SKU_RE
from marketplace.models import Cart, Order, OrderEvent, PaymentMethod, Purchase
from marketplace.payments import vietqr
from marketplace.payments.card import CardGatewayError, card_gateway
from marketplace.schemas import (
    CancelIn,
    CartLineIn,
    CartOut,
    CheckoutIn,
    ErrorOut,
    OrderListOut,
    OrderOut,
    OrderStatus,
    OutOfStockOut,
    PurchaseOut,
    QuantityIn,
    StatusIn,
)
from marketplace.selectors import api as selectors
from marketplace.selectors.carts import CartView, cart_view
from marketplace.services import carts
from marketplace.services.checkout import CheckoutData, OutOfStock, ShippingAddress, checkout
from marketplace.services.orders import StatusChange, order_change_status
from marketplace.services.payments import order_cancel, purchase_start_card_payment

router = Router(tags=["marketplace"])

CART_SESSION_KEY = "cart_id"
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 1_000_000
# ValidationError codes of the services that mean "not now, in this state" rather than "bad input".
STATE_CONFLICTS = frozenset({"move", "conflict", "unpaid"})


class SessionOrVisitor(SessionAuth):
    """Django's session, signed in or not, with the CSRF check on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user  # an AnonymousUser is a visitor, and truthy


anyone = SessionOrVisitor()

CART_ANSWERS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
SIGNED_IN_ANSWERS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
LineId = Path(..., ge=1, le=selectors.MAX_ID, description="The cart line's id.")
OrderNumber = Path(..., max_length=40, description="The order number, e.g. HTX1234567A-1.")


@contextmanager
def state_conflicts(codes: frozenset[str] = STATE_CONFLICTS):
    """Turn a move the current state does not allow (a ValidationError with one of `codes`) into a 409."""
    try:
        yield
    except ValidationError as error:
        if getattr(error, "code", None) in codes:
            raise HttpError(409, " ".join(error.messages)) from error
        raise


# --- the cart ----------------------------------------------------------------------------------


def _current_cart(request: HttpRequest) -> Cart | None:
    if request.user.is_authenticated:
        return selectors.cart_of_user(request.user)
    return selectors.visitor_cart(request.session.get(CART_SESSION_KEY))


def _cart_to_write(request: HttpRequest) -> Cart:
    if request.user.is_authenticated:
        return carts.cart_for_user(user=request.user)
    return carts.cart_for_visitor(cart_id=request.session.get(CART_SESSION_KEY))


def _payment_methods(view: CartView) -> list[str]:
    if view.is_empty:
        return []
    methods = []
    if card_gateway() is not None:
        methods.append(PaymentMethod.CARD.value)
    if view.accepts_transfer:
        methods.append(PaymentMethod.VIETQR.value)
    if view.accepts_cash_on_delivery:
        methods.append(PaymentMethod.COD.value)
    return methods


def _cart_out(cart: Cart | None) -> dict:
    view = cart_view(cart)
    return {
        "groups": [
            {
                "cooperative": {"tax_code": group.cooperative.tax_code, "name": group.cooperative.title},
                "lines": [
                    {
                        "id": line.line.pk,
                        "sku": line.product.sku,
                        "name": line.product.title,
                        "quantity": line.line.quantity,
                        "unit_price_vnd": line.unit_price_vnd,
                        "line_total_vnd": line.line_total_vnd,
                        "problems": line.problems,
                        "price_changed": line.price_changed,
                        "seen_unit_price_vnd": line.seen_unit_price_vnd,
                    }
                    for line in group.lines
                ],
                "subtotal_vnd": group.subtotal_vnd,
                "shipping_vnd": group.shipping_vnd,
            }
            for group in view.groups
        ],
        "total_vnd": view.total_vnd,
        "payment_methods": _payment_methods(view),
    }


class ProductNotFound(HttpError):
    def __init__(self, sku: str, tax_code: str | None = None):
        if tax_code:
            message = _("Cooperative %(code)s sells no product with SKU “%(sku)s”.") % {
                "code": tax_code[:20],
                "sku": sku[:64],
            }
        else:
            message = _("No product with SKU “%(sku)s” is on sale.") % {"sku": sku[:64]}
        super().__init__(404, message)


@router.get(
    "/cart",
    auth=anyone,
    response={200: CartOut, **CART_ANSWERS},
    summary="Your cart, grouped by cooperative, at today's prices",
    description="Anonymous visitors have a cart too, kept by their session. A line whose price "
    "changed since you added it says so (`price_changed`, `seen_unit_price_vnd`); a line that "
    "breaks a rule now lists its `problems`.",
)
def cart_show(request):
    return _cart_out(_current_cart(request))


@router.post(
    "/cart/lines",
    auth=anyone,
    response={201: CartOut, **CART_ANSWERS},
    summary="Add a product to your cart",
    description="By SKU. `cooperative` (a tax code) is needed only when several cooperatives sell "
    "the SKU. Adding a product already in the cart adds to its line. An SKU on sale nowhere is "
    "404; a quantity the rules refuse (minimum order, stock, monthly capacity) is 400 naming the rule.",
)
def cart_line_add(request, payload: CartLineIn):
    if not SKU_RE.match(payload.sku):
        raise ProductNotFound(payload.sku)
    found = selectors.purchasable_by_sku(payload.sku, payload.cooperative)
    if not found:
        raise ProductNotFound(payload.sku, payload.cooperative)
    if len(found) > 1:
        raise HttpError(
            400,
            _("Several cooperatives sell SKU “%(sku)s” (%(codes)s): name one with “cooperative”.")
            % {"sku": payload.sku, "codes": ", ".join(p.cooperative.tax_code for p in found)},
        )
    # One transaction, so that a refused line leaves no new empty cart behind.
    with transaction.atomic():
        cart = _cart_to_write(request)
        carts.cart_add(cart=cart, product=found[0], quantity=payload.quantity)
    if not request.user.is_authenticated:
        request.session[CART_SESSION_KEY] = cart.pk
    return Status(201, _cart_out(cart))


@router.patch(
    "/cart/lines/{line_id}",
    auth=anyone,
    response={200: CartOut, **CART_ANSWERS},
    summary="Change a line's quantity",
    description="Also records that you have seen the line's current price: sending the same "
    "quantity accepts a changed price before checkout.",
)
def cart_line_change(request, payload: QuantityIn, line_id: int = LineId):
    cart = _current_cart(request)
    carts.cart_set_quantity(line=selectors.cart_line(cart, line_id), quantity=payload.quantity)
    return _cart_out(cart)


@router.delete(
    "/cart/lines/{line_id}",
    auth=anyone,
    response={200: CartOut, **CART_ANSWERS},
    summary="Remove a line from your cart",
)
def cart_line_remove(request, line_id: int = LineId):
    cart = _current_cart(request)
    carts.cart_remove(line=selectors.cart_line(cart, line_id))
    return _cart_out(cart)


# --- checkout and payment ----------------------------------------------------------------------


def _transfer(order: Order) -> dict | None:
    if order.payment_method != PaymentMethod.VIETQR:
        return None
    try:
        payload = vietqr.build(
            bank_bin=order.bank_bin, account=order.bank_account, amount=order.total_vnd, purpose=order.number
        )
    except ValueError:
        payload = None  # no usable account on the order: the cooperative is asked to fix its terms
    return {
        "order": order.number,
        "amount_vnd": order.total_vnd,
        "payload": payload,
        "bank_bin": order.bank_bin,
        "account": order.bank_account,
        "account_name": order.bank_account_name,
    }


def _cooperative_brief(order: Order) -> dict:
    return {"tax_code": order.cooperative.tax_code, "name": order.cooperative.title}


def _order_brief(order: Order) -> dict:
    return {
        "number": order.number,
        "cooperative": _cooperative_brief(order),
        "total_vnd": order.total_vnd,
        "status": order.status,
        "payment_status": order.payment_status,
        "payment_method": order.payment_method,
        "created_at": order.created_at,
    }


def _start_card_payment(purchase: Purchase) -> dict:
    """Ask the card processor for the purchase's PaymentIntent (outside any transaction)."""
    intent = purchase_start_card_payment(purchase=purchase)
    gateway = card_gateway()
    return {
        "client_secret": intent.client_secret,
        "payment_intent": intent.id,
        "publishable_key": getattr(gateway, "publishable_key", None),
    }


def _purchase_out(purchase: Purchase, payment: dict) -> dict:
    orders = selectors.purchase_orders(purchase)
    if purchase.payment_method == PaymentMethod.VIETQR:
        payment["transfers"] = [_transfer(order) for order in orders]
    return {
        "purchase": purchase.pk,
        "payment_code": purchase.payment_code,
        "total_vnd": purchase.total_vnd,
        "orders": [_order_brief(order) for order in orders],
        "payment": {"method": purchase.payment_method, **payment},
    }


@router.post(
    "/checkout",
    auth=django_auth,
    response={201: PurchaseOut, 409: OutOfStockOut, **SIGNED_IN_ANSWERS},
    exclude_none=True,
    summary="Place your cart: one purchase, one order per cooperative",
    description="For signed-in buyers with a confirmed email address (403 otherwise). Stock is "
    "taken for every line or for none: 409 names the short lines and what is left, and the cart "
    "stays as it was. A changed price is 400 until accepted (PATCH the line). Card: the answer "
    "carries the PaymentIntent's `client_secret` for Stripe.js, or `error` when the card processor "
    "could not be reached (the purchase stands; ask again with POST /purchases/{payment_code}/card). "
    "Bank transfer: one VietQR payload per order, each to its cooperative's own account.",
)
def checkout_create(request, payload: CheckoutIn):
    cart = selectors.cart_of_user(request.user) or Cart(user=request.user)
    data = CheckoutData(
        payment_method=payload.payment_method,
        shipping=ShippingAddress(**payload.shipping.dict()),
        note=payload.note,
    )
    try:
        purchase = checkout(buyer=request.user, cart=cart, data=data)
    except OutOfStock as error:
        return Status(409, {"detail": " ".join(error.messages), "lines": error.shortages})
    payment = {}
    if purchase.payment_method == PaymentMethod.CARD:
        try:
            payment = _start_card_payment(purchase)
        except (CardGatewayError, ValidationError) as error:
            payment = {"error": _card_error(error)}
    return Status(201, _purchase_out(purchase, payment))


def _card_error(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("The card processor could not be reached. Try again in a moment.")


@router.post(
    "/purchases/{payment_code}/card",
    auth=django_auth,
    response={200: PurchaseOut, 409: ErrorOut, 503: ErrorOut, **SIGNED_IN_ANSWERS},
    exclude_none=True,
    summary="Card payment for one of your purchases: the PaymentIntent again",
    description="Idempotent: asking again gives the same PaymentIntent. 409 when nothing in the "
    "purchase is left to pay (paid or cancelled); 503 when the card processor cannot be reached.",
)
def purchase_card(request, payment_code: str = Path(..., max_length=40)):
    purchase = selectors.purchase_of_buyer(request.user, payment_code)
    if purchase.payment_method != PaymentMethod.CARD:
        raise HttpError(400, _("This purchase is not paid by card."))
    orders = selectors.purchase_orders(purchase)
    awaiting = [
        order
        for order in orders
        if order.status != Order.Status.CANCELLED
        and order.payment_status in (Order.PaymentStatus.UNPAID, Order.PaymentStatus.PENDING)
    ]
    if not awaiting:
        raise HttpError(
            409, _("Nothing in purchase %(code)s is left to pay.") % {"code": purchase.payment_code}
        )
    try:
        payment = _start_card_payment(purchase)
    except CardGatewayError as error:
        raise HttpError(503, _card_error(error)) from error
    return _purchase_out(purchase, payment)


# --- a buyer's orders --------------------------------------------------------------------------


def _order_out(order: Order) -> dict:
    purchase = order.purchase
    return {
        **_order_brief(order),
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_price_vnd": line.unit_price_vnd,
                "line_total_vnd": line.line_total_vnd,
                "vat_rate": line.vat_rate,
            }
            for line in order.lines.all()
        ],
        "events": [
            {"at": event.at, "kind": event.kind, "actor": event.actor} for event in order.events.all()
        ],
        "payment_code": purchase.payment_code,
        "subtotal_vnd": order.subtotal_vnd,
        "shipping_vnd": order.shipping_vnd,
        "refunded_vnd": order.refunded_vnd,
        "shipping_method": order.shipping_method,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "cancel_reason": order.cancel_reason,
        "shipping": {
            "name": purchase.shipping_name,
            "phone": purchase.shipping_phone,
            "province": {"code": purchase.shipping_province.code, "name": purchase.shipping_province.name},
            "ward": {"code": purchase.shipping_ward.code, "name": purchase.shipping_ward.name},
            "address": purchase.shipping_address,
        },
        "note": purchase.note,
        "transfer": _transfer(order),
    }


def _page(orders, limit: int, offset: int) -> dict:
    return {
        "total": orders.count(),
        "limit": limit,
        "offset": offset,
        "items": [_order_brief(order) for order in orders[offset : offset + limit]],
    }


Limit = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
StatusFilter = Query(None, description="Only orders at this status.")
Offset = Query(0, ge=0, le=MAX_OFFSET)


@router.get(
    "/orders",
    auth=django_auth,
    response={200: OrderListOut, **SIGNED_IN_ANSWERS},
    summary="Your orders, newest first",
)
def buyer_orders(request, limit: int = Limit, offset: int = Offset):
    return _page(selectors.orders_of_buyer(request.user), limit, offset)


@router.get(
    "/orders/{number}",
    auth=django_auth,
    response={200: OrderOut, **SIGNED_IN_ANSWERS},
    summary="One of your orders, with its lines and its timeline",
    description="Another buyer's order is 404.",
)
def buyer_order(request, number: str = OrderNumber):
    return _order_out(selectors.order_of_buyer(request.user, number))


@router.post(
    "/orders/{number}/cancel",
    auth=django_auth,
    response={200: OrderOut, 409: ErrorOut, **SIGNED_IN_ANSWERS},
    summary="Cancel one of your orders before the cooperative confirms it",
    description='The body is optional ({"reason"}). Stock goes back and a paid order is refunded. '
    "409 once the order is confirmed (or already cancelled).",
)
def buyer_order_cancel(request, number: str = OrderNumber, payload: CancelIn | None = None):
    order = selectors.order_of_buyer(request.user, number)
    if order.status != Order.Status.PLACED:
        raise HttpError(
            409,
            _("This order is %(status)s: it can no longer be cancelled here.")
            % {"status": order.get_status_display()},
        )
    with state_conflicts():
        order_cancel(
            order=order,
            user=request.user,
            actor=OrderEvent.Actor.BUYER,
            reason=payload.reason if payload else "",
        )
    return _order_out(selectors.order_of_buyer(request.user, number))


# --- a cooperative's orders --------------------------------------------------------------------


@router.get(
    "/cooperative/orders",
    auth=django_auth,
    response={200: OrderListOut, **SIGNED_IN_ANSWERS},
    summary="Orders of the cooperatives you staff, newest first",
    description="403 for someone who staffs no cooperative; `cooperative` (a tax code) you do not "
    "staff is 404.",
)
def cooperative_orders(
    request,
    status: OrderStatus | None = StatusFilter,
    cooperative: str | None = Query(None, max_length=20, description="Tax code of one of your cooperatives."),
    limit: int = Limit,
    offset: int = Offset,
):
    if not selectors.staffed_cooperatives_of(request.user).exists():
        raise HttpError(403, _("You do not staff any cooperative."))
    chosen = None if cooperative is None else selectors.staffed_cooperative(request.user, cooperative)
    return _page(selectors.cooperative_orders(request.user, status=status, cooperative=chosen), limit, offset)


@router.get(
    "/cooperative/orders/{number}",
    auth=django_auth,
    response={200: OrderOut, **SIGNED_IN_ANSWERS},
    summary="One order of a cooperative you staff",
    description="Anyone but the cooperative's staff gets 404.",
)
def cooperative_order(request, number: str = OrderNumber):
    return _order_out(selectors.cooperative_order(request.user, number))


@router.post(
    "/cooperative/orders/{number}/status",
    auth=django_auth,
    response={200: OrderOut, 409: ErrorOut, **SIGNED_IN_ANSWERS},
    summary="Move an order of a cooperative you staff: confirm, ship, deliver, complete or cancel",
    description="Anyone but the cooperative's staff gets 404. Shipping names the carrier (unless "
    "the order is picked up), cancelling needs a reason, and a cash-on-delivery order is delivered "
    "with `cash_collected`. 409 when the order's state does not allow the move (e.g. shipping an "
    "order not yet confirmed, confirming one not yet paid) or someone moved it meanwhile.",
)
def cooperative_order_status(request, payload: StatusIn, number: str = OrderNumber):
    order = selectors.cooperative_order(request.user, number)
    change = StatusChange(
        to=payload.to,
        carrier=payload.carrier,
        tracking_number=payload.tracking,
        reason=payload.reason,
        cash_collected=payload.cash_collected,
    )
    with state_conflicts():
        order_change_status(order=order, user=request.user, change=change)
    return _order_out(selectors.cooperative_order(request.user, number))
