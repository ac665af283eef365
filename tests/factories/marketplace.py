"""Marketplace test data, built through the services: terms, carts, checkouts."""

from catalog import services as catalog_services
from catalog.models import Ward
from marketplace.services import carts, checkout

BANK = {"bank_bin": "970436", "bank_account": "0071000123456", "bank_account_name": "HTX THU NGHIEM"}


def terms(cooperative, **fields):
    bank = fields.pop("bank", True)
    data = catalog_services.TermsData(**({**BANK, **fields} if bank else fields))
    return catalog_services.cooperative_terms_set(cooperative=cooperative, data=data)


def address(*, province: str = "01", **fields) -> checkout.ShippingAddress:
    ward = Ward.objects.filter(province_id=province).order_by("code").first()
    values = {
        "name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "province": province,
        "ward": ward.code if ward else "",
        "address": "12 Hàng Bạc",
    }
    return checkout.ShippingAddress(**(values | fields))


def cart(buyer, lines=()):
    """The buyer's cart holding (product, quantity) lines."""
    the_cart = carts.cart_for_user(user=buyer)
    for product, quantity in lines:
        carts.cart_add(cart=the_cart, product=product, quantity=quantity)
    return the_cart


def purchase(buyer, lines, *, method: str = "vietqr", **shipping):
    """Fill the buyer's cart with `lines` and check out."""
    the_cart = cart(buyer, lines)
    data = checkout.CheckoutData(payment_method=method, shipping=address(**shipping))
    return checkout.checkout(buyer=buyer, cart=the_cart, data=data)
