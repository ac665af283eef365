"""Which cart a request uses: the signed-in buyer's own, or the visitor's whose id is in the session.

Anyone can fill a cart. A visitor's cart is an ordinary Cart row without a user; its id lives in
the server-side session under SESSION_KEY (the visitor never sees or sends it). When the visitor
signs in, marketplace/signal_handlers.py merges it into their own cart and drops the key. Looking
at a cart never creates one: a row is made only when something is added.
"""

from __future__ import annotations

from marketplace.models import Cart
from marketplace.selectors.carts import header_cart_count, user_cart, visitor_cart
from marketplace.services import carts

SESSION_KEY = "cart_id"


def session_cart_id(request) -> int | None:
    session = getattr(request, "session", None)
    value = session.get(SESSION_KEY) if session is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def current_cart(request) -> Cart | None:
    """The cart this request looks at, or None when there is none yet."""
    if request.user.is_authenticated:
        return user_cart(request.user)
    cart_id = session_cart_id(request)
    return visitor_cart(cart_id) if cart_id is not None else None


def cart_to_fill(request) -> Cart:
    """The cart to add to: the buyer's own (made on first use), or the visitor's (made and remembered)."""
    if request.user.is_authenticated:
        return carts.cart_for_user(user=request.user)
    cart = current_cart(request)
    if cart is None:
        cart = carts.cart_create_for_visitor()
        request.session[SESSION_KEY] = cart.pk
    return cart


def merge_visitor_cart(request, user) -> None:
    """At sign-in: move the visitor's lines into the user's cart (services.carts.cart_merge)."""
    if request is None or not hasattr(request, "session"):
        return
    cart_id = request.session.pop(SESSION_KEY, None)
    source = visitor_cart(cart_id)
    if source is not None:
        carts.cart_merge(source=source, target=carts.cart_for_user(user=user))


def header_count(request) -> int:
    """Lines in the request's cart for the header: one query at most, none for a visitor without a cart."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return header_cart_count(user=user)
    cart_id = session_cart_id(request)
    return header_cart_count(visitor_cart_id=cart_id) if cart_id is not None else 0
