"""Template context for every page: the number of lines in the cart, for the site header's cart link.

`cart_count` is a callable that the template engine calls when a template shows it, once per
request: a page without the header (the admin, emails) runs no query; a page with it runs one at
most, and none for a visitor who has no cart in their session.
"""

from marketplace.cart_session import header_count


class CartCount:
    def __init__(self, request):
        self.request = request
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            self.value = header_count(self.request)
        return self.value


def cart(request) -> dict:
    return {"cart_count": CartCount(request)}
