"""Checkout: one purchase, one order per cooperative, stock taken exactly, nothing on failure."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalog import services as catalog_services
from catalog.models import ProductInventory
from marketplace.models import Cart, CartLine, Order, OrderEvent, Purchase
from marketplace.payments import codes
from marketplace.selectors.carts import cart_view
from marketplace.services import carts, checkout
from marketplace.services.payments import expire_unpaid_orders
from tests import factories
from tests.factories import marketplace as mf

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    first = factories.cooperative(name="HTX Mật ong Mộc Châu", staff=[factories.user()])
    second = factories.cooperative(name="HTX Nước mắm Phú Quốc", province="79")
    mf.terms(first, shipping="flat", shipping_fee_vnd=30_000)
    mf.terms(second, shipping="free_above", shipping_fee_vnd=40_000, free_shipping_from_vnd=500_000)
    honey = factories.product(cooperative=first, name="Mật ong bạc hà", price_vnd=200_000, stock=10)
    sauce = factories.product(
        cooperative=second,
        name="Nước mắm 40 độ đạm",
        price_vnd=150_000,
        stock=5,
        wholesale_tiers=[(4, 120_000)],
        vat_rate="8",
    )
    return first, second, honey, sauce


def stock_of(product):
    return ProductInventory.objects.get(product=product).stock


def test_checkout_splits_one_purchase_into_an_order_per_cooperative(shop):
    first, second, honey, sauce = shop
    buyer = factories.user()
    purchase = mf.purchase(buyer, [(honey, 2), (sauce, 4)])

    assert codes.is_valid(purchase.payment_code)
    orders = {order.cooperative_id: order for order in purchase.orders.all()}
    assert set(orders) == {first.pk, second.pk}
    honey_order, sauce_order = orders[first.pk], orders[second.pk]
    assert (honey_order.subtotal_vnd, honey_order.shipping_vnd, honey_order.total_vnd) == (
        400_000,
        30_000,
        430_000,
    )
    # The wholesale tier from 4 units, and the 40,000 fee because 480,000 is under the free threshold.
    assert (sauce_order.subtotal_vnd, sauce_order.shipping_vnd) == (480_000, 40_000)
    assert purchase.total_vnd == 430_000 + 520_000
    line = sauce_order.lines.get()
    assert (line.unit_price_vnd, line.line_total_vnd, line.vat_rate) == (120_000, 480_000, "8")
    assert honey_order.number.startswith(purchase.payment_code)
    assert (stock_of(honey), stock_of(sauce)) == (8, 1)
    assert not CartLine.objects.filter(cart__user=buyer).exists()
    assert honey_order.status == Order.Status.PLACED
    assert honey_order.payment_status == Order.PaymentStatus.UNPAID
    assert honey_order.events.get().kind == "status:placed"
    assert honey_order.hold_until > timezone.now() + datetime.timedelta(hours=23)
    assert honey_order.bank_account == mf.BANK["bank_account"]


def test_emails_go_out_after_commit_to_buyer_and_cooperative(shop, django_capture_on_commit_callbacks):
    first, _second, honey, _sauce = shop
    buyer = factories.user()
    with django_capture_on_commit_callbacks(execute=True):
        purchase = mf.purchase(buyer, [(honey, 1)])
    recipients = sorted(message.to[0] for message in mail.outbox)
    staff = first.staff_group.user_set.get()
    assert recipients == sorted([buyer.email, staff.email])
    buyer_mail = next(m for m in mail.outbox if m.to == [buyer.email])
    assert purchase.payment_code in buyer_mail.body
    assert mf.BANK["bank_account"] in buyer_mail.body


def test_short_stock_creates_nothing_and_names_the_line(shop):
    _first, _second, honey, sauce = shop
    buyer = factories.user()
    the_cart = mf.cart(buyer, [(honey, 3), (sauce, 5)])
    catalog_services.product_set_stock(product=sauce, stock=2)

    with pytest.raises(checkout.OutOfStock) as raised:
        checkout.checkout(
            buyer=buyer,
            cart=the_cart,
            data=checkout.CheckoutData(payment_method="vietqr", shipping=mf.address()),
        )
    assert raised.value.shortages == [{"sku": sauce.sku, "name": sauce.title, "wanted": 5, "available": 2}]
    # The honey taken before the sauce was found short is given back by the rollback.
    assert (stock_of(honey), stock_of(sauce)) == (10, 2)
    assert not Purchase.objects.exists()
    assert not Order.objects.exists()
    assert CartLine.objects.filter(cart=the_cart).count() == 2


def test_cart_refuses_more_than_the_stock_and_below_the_minimum(shop):
    _first, _second, honey, _sauce = shop
    buyer = factories.user()
    the_cart = mf.cart(buyer)
    with pytest.raises(ValidationError):
        carts.cart_add(cart=the_cart, product=honey, quantity=11)
    moq = factories.product(price_vnd=10_000, min_order_qty=5, monthly_capacity=100)
    with pytest.raises(ValidationError):
        carts.cart_add(cart=the_cart, product=moq, quantity=4)
    with pytest.raises(ValidationError):
        carts.cart_add(cart=the_cart, product=moq, quantity=101)
    for hostile in (0, -1, 10**12, "3", 2.5, True):
        with pytest.raises(ValidationError):
            carts.cart_add(cart=the_cart, product=honey, quantity=hostile)
    assert not CartLine.objects.filter(cart=the_cart).exists()


def test_unpublished_product_cannot_be_added(shop):
    draft = factories.product(publish=False, price_vnd=10_000)
    with pytest.raises(ValidationError):
        carts.cart_add(cart=mf.cart(factories.user()), product=draft, quantity=1)


def test_price_change_is_shown_and_blocks_checkout_until_accepted(shop):
    _first, _second, honey, _sauce = shop
    buyer = factories.user()
    the_cart = mf.cart(buyer, [(honey, 1)])
    honey.price_vnd = 210_000
    honey.save_revision().publish()

    view = cart_view(the_cart)
    [line] = view.price_changes
    assert (line.seen_unit_price_vnd, line.unit_price_vnd) == (200_000, 210_000)
    data = checkout.CheckoutData(payment_method="vietqr", shipping=mf.address())
    with pytest.raises(ValidationError) as raised:
        checkout.checkout(buyer=buyer, cart=the_cart, data=data)
    assert raised.value.code == "price_changed"
    carts.cart_accept_prices(cart=the_cart, prices={line.line.pk: line.unit_price_vnd})
    assert checkout.checkout(buyer=buyer, cart=the_cart, data=data).total_vnd == 210_000 + 30_000


def test_unverified_buyer_cannot_check_out(shop):
    _first, _second, honey, _sauce = shop
    buyer = factories.user(verified=False)
    with pytest.raises(PermissionDenied):
        mf.purchase(buyer, [(honey, 1)])
    assert stock_of(honey) == 10


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "12345"), ("province", "99"), ("ward", "00001"), ("name", ""), ("address", "x" * 300)],
)
def test_bad_address_is_refused(shop, field, value):
    _first, _second, honey, _sauce = shop
    buyer = factories.user()
    with pytest.raises(ValidationError) as raised:
        mf.purchase(buyer, [(honey, 1)], **{field: value})
    assert field in raised.value.message_dict
    assert stock_of(honey) == 10
    assert not Purchase.objects.exists()


def test_cash_on_delivery_refused_when_a_cooperative_turned_it_off(shop):
    first, _second, honey, sauce = shop
    mf.terms(first, shipping="pickup", cash_on_delivery=False)
    with pytest.raises(ValidationError) as raised:
        mf.purchase(factories.user(), [(honey, 1), (sauce, 1)], method="cod")
    assert first.title in str(raised.value)


def test_transfer_refused_without_a_bank_account():
    cooperative = factories.cooperative()
    product = factories.product(cooperative=cooperative, price_vnd=10_000)
    with pytest.raises(ValidationError):
        mf.purchase(factories.user(), [(product, 1)], method="vietqr")
    assert mf.purchase(factories.user(), [(product, 1)], method="cod").orders.get().hold_until is None


def test_unpaid_orders_expire_and_give_stock_back(shop):
    _first, _second, honey, sauce = shop
    purchase = mf.purchase(factories.user(), [(honey, 2), (sauce, 1)])
    assert expire_unpaid_orders() == 0
    later = timezone.now() + datetime.timedelta(hours=25)
    assert expire_unpaid_orders(now=later) == 2
    assert (stock_of(honey), stock_of(sauce)) == (10, 5)
    for order in purchase.orders.all():
        assert (order.status, order.expired, order.holds_stock) == ("cancelled", True, False)
        assert order.events.filter(kind="status:cancelled", actor=OrderEvent.Actor.SYSTEM).count() == 1
    assert expire_unpaid_orders(now=later) == 0
    assert (stock_of(honey), stock_of(sauce)) == (10, 5)


def test_anonymous_cart_merges_into_the_buyers_cart(shop):
    _first, _second, honey, sauce = shop
    buyer = factories.user()
    mine = mf.cart(buyer, [(honey, 2)])
    visitor = Cart.objects.create()
    carts.cart_add(cart=visitor, product=honey, quantity=3)
    carts.cart_add(cart=visitor, product=sauce, quantity=1)
    carts.cart_merge(source=visitor, target=mine)
    assert dict(CartLine.objects.filter(cart=mine).values_list("product_id", "quantity")) == {
        honey.pk: 3,
        sauce.pk: 1,
    }
    assert not Cart.objects.filter(pk=visitor.pk).exists()
