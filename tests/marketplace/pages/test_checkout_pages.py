"""The checkout page: address with the 2025 places, payment methods offered or explained, the outcomes."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError

from catalog import services as catalog_services
from catalog.models import ProductInventory, Ward
from marketplace.models import CartLine, Order, Purchase
from marketplace.services import checkout
from tests import factories
from tests.factories import marketplace as mf
from tests.marketplace.pages.helpers import shipping_post, url

pytestmark = pytest.mark.django_db


def stock_of(product) -> int:
    return ProductInventory.objects.get(product=product).stock


@pytest.mark.parametrize("language", ["vi", "en"])
def test_checkout_page_renders_in_both_languages(buyer_client, buyer, shop, language):
    mf.cart(buyer, [(shop.honey, 1), (shop.sauce, 1)])
    response = buyer_client.get(url("checkout", language=language))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert 'data-ward-picker="province"' in html
    assert "js/ward-picker.js" in html
    assert 'name="payment_method" id="payment-vietqr" value="vietqr"' in html
    assert shop.first.title in html
    assert shop.second.title in html


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(buyer_client):
    response = buyer_client.get(url("checkout"))
    assert response.status_code == 302
    assert response.url == url("cart")


def test_anonymous_visitor_is_sent_to_log_in(client, shop):
    response = client.get(url("checkout"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_unverified_buyer_is_asked_to_confirm_their_email(client, shop):
    fresh = factories.user(verified=False)
    mf.cart(fresh, [(shop.honey, 1)])
    client.force_login(fresh)
    for response in (client.get(url("checkout")), client.post(url("checkout"), shipping_post())):
        assert response.status_code == 403
        assert 'name="action_send"' in response.content.decode()
    assert not Purchase.objects.exists()


def test_unavailable_payment_methods_are_disabled_with_a_reason(buyer_client, buyer, shop):
    mf.terms(shop.second, bank=False, cash_on_delivery=False)
    mf.cart(buyer, [(shop.honey, 1), (shop.sauce, 1)])
    html = buyer_client.get(url("checkout")).content.decode()
    # No card processor is configured here, the second cooperative has no bank account and no cash.
    for method in ("vietqr", "card", "cod"):
        assert (
            f'id="payment-{method}" value="{method}" aria-describedby="payment-{method}-help" disabled'
            in html
        )
    assert html.count(shop.second.title) >= 3


def test_the_last_address_is_offered_again(buyer_client, buyer, shop):
    mf.purchase(buyer, [(shop.honey, 1)], address="99 Phố Huế")
    mf.cart(buyer, [(shop.sauce, 1)])
    html = buyer_client.get(url("checkout")).content.decode()
    assert 'value="99 Phố Huế"' in html


def test_checkout_by_transfer_goes_to_the_vietqr_codes(buyer_client, buyer, shop):
    cart = mf.cart(buyer, [(shop.honey, 2), (shop.sauce, 1)])
    response = buyer_client.post(url("checkout"), shipping_post(method="vietqr", note="Giao giờ hành chính"))
    purchase = Purchase.objects.get()
    first, second = purchase.orders.order_by("id")
    assert response.status_code == 302
    assert response.url == url("pay", first.number)
    assert purchase.note == "Giao giờ hành chính"
    assert not CartLine.objects.filter(cart=cart).exists()
    assert (stock_of(shop.honey), stock_of(shop.sauce)) == (8, 4)

    html = buyer_client.get(response.url).content.decode()
    # One code for each cooperative's order, with its bank, account, amount in words and description.
    assert html.count("<svg") == 2
    assert "Vietcombank" in html
    assert mf.BANK["bank_account"] in html
    assert f'data-copy="{first.number}"' in html
    assert f'data-copy="{second.number}"' in html
    assert "Bốn trăm ba mươi nghìn đồng" in html  # 2 × 200,000 + 30,000 shipping


def test_checkout_cash_on_delivery_goes_to_the_order(buyer_client, buyer, shop):
    mf.cart(buyer, [(shop.honey, 1)])
    response = buyer_client.post(url("checkout"), shipping_post(method="cod"))
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == url("order", order.number)
    assert order.payment_method == "cod"
    html = buyer_client.get(response.url).content.decode()
    assert "<svg" not in html
    assert url("order_cancel", order.number) in html


def test_cash_on_delivery_with_two_cooperatives_goes_to_my_orders(buyer_client, buyer, shop):
    mf.cart(buyer, [(shop.honey, 1), (shop.sauce, 1)])
    response = buyer_client.post(url("checkout"), shipping_post(method="cod"))
    assert response.url == url("orders")
    assert Order.objects.count() == 2


def test_out_of_stock_names_the_lines_and_changes_nothing(buyer_client, buyer, shop):
    cart = mf.cart(buyer, [(shop.honey, 5), (shop.sauce, 1)])
    catalog_services.product_set_stock(product=shop.honey, stock=2)
    response = buyer_client.post(url("checkout"), shipping_post())
    html = response.content.decode()
    assert response.status_code == 409
    assert 'class="shortages"' in html
    assert shop.honey.title in html
    assert not Purchase.objects.exists()
    assert (stock_of(shop.honey), stock_of(shop.sauce)) == (2, 5)
    assert dict(CartLine.objects.filter(cart=cart).values_list("product_id", "quantity")) == {
        shop.honey.pk: 5,
        shop.sauce.pk: 1,
    }


def test_a_price_change_blocks_checkout_until_accepted(buyer_client, buyer, shop):
    mf.cart(buyer, [(shop.honey, 1)])
    shop.honey.price_vnd = 210_000
    shop.honey.save_revision().publish()
    html = buyer_client.get(url("checkout")).content.decode()
    assert "200.000 ₫ → 210.000 ₫" in html
    response = buyer_client.post(url("checkout"), shipping_post())
    assert response.status_code == 400
    assert not Purchase.objects.exists()


def test_second_submit_of_the_same_cart_orders_nothing_more(buyer_client, buyer, shop):
    mf.cart(buyer, [(shop.honey, 1)])
    assert buyer_client.post(url("checkout"), shipping_post()).status_code == 302
    response = buyer_client.post(url("checkout"), shipping_post())
    assert response.status_code == 400
    assert Purchase.objects.count() == 1
    assert stock_of(shop.honey) == 9


def test_the_submit_button_is_guarded_against_double_clicks(buyer_client, buyer, shop):
    mf.cart(buyer, [(shop.honey, 1)])
    html = buyer_client.get(url("checkout")).content.decode()
    assert "data-submit-once" in html
    assert "js/marketplace.js" in html


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "x" * 500},
        {"name": "Lan\x00"},
        {"address": "12\x00 Hàng Bạc"},
        {"province": "0\x00"},
        {"name": ""},
        {"phone": "12345"},
        {"phone": "0" * 300},
        {"address": "y" * 5000},
        {"note": "z" * 5000},
        {"province": "ZZ"},
        {"province": "9" * 300},
        {"ward": "99999"},
        {"payment_method": "bitcoin"},
        {"payment_method": "card"},  # no card processor configured here
        {"payment_method": ""},
    ],
)
def test_bad_checkout_input_is_a_400_and_changes_nothing(buyer_client, buyer, shop, fields):
    cart = mf.cart(buyer, [(shop.honey, 1)])
    response = buyer_client.post(url("checkout"), shipping_post(**fields))
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert not Purchase.objects.exists()
    assert CartLine.objects.filter(cart=cart).count() == 1
    assert stock_of(shop.honey) == 10


def test_a_ward_of_another_province_is_refused(buyer_client, buyer, shop):
    mf.cart(buyer, [(shop.honey, 1)])
    elsewhere = Ward.objects.exclude(province_id="01").order_by("code").first()
    response = buyer_client.post(url("checkout"), shipping_post(ward=elsewhere.code))
    assert response.status_code == 400
    assert not Purchase.objects.exists()


def test_the_chosen_provinces_wards_are_offered_after_an_error(buyer_client, buyer, shop):
    mf.cart(buyer, [(shop.honey, 1)])
    ward = Ward.objects.filter(province_id="79").order_by("name").first()
    html = buyer_client.post(url("checkout"), shipping_post(province="79", name="")).content.decode()
    assert f'<option value="{ward.code}"' in html


@pytest.mark.parametrize(
    "shipping",
    [{"name": "Lan\x00"}, {"address": "12\x00"}, {"province": "0\x00"}, {"ward": "0\x00"}],
)
def test_checkout_service_refuses_nul_bytes_before_the_database(buyer, shop, shipping):
    cart = mf.cart(buyer, [(shop.honey, 1)])
    address = dataclasses.replace(mf.address(), **shipping)
    data = checkout.CheckoutData(payment_method="vietqr", shipping=address)
    with pytest.raises(ValidationError):
        checkout.checkout(buyer=buyer, cart=cart, data=data)
    with pytest.raises(ValidationError) as raised:
        checkout.checkout(
            buyer=buyer,
            cart=cart,
            data=checkout.CheckoutData(payment_method="vietqr", shipping=mf.address(), note="a\x00b"),
        )
    assert "note" in raised.value.message_dict
    assert not Purchase.objects.exists()
