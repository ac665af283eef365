"""Framework plumbing (connected in apps.py): at sign-in, a visitor's cart is merged into the
user's own; requests for quotation join the search index (marketplace/rfq_index.py)."""

from django.contrib.auth.signals import user_logged_in

from marketplace import rfq_index
from marketplace.cart_session import merge_visitor_cart


def merge_cart_at_login(sender, request, user, **kwargs) -> None:
    merge_visitor_cart(request, user)


def connect() -> None:
    user_logged_in.connect(merge_cart_at_login, dispatch_uid="marketplace.merge_cart_at_login")
    rfq_index.connect()
