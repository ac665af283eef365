"""The cart pages: add from a product's page, change and remove lines, accept new prices, merge at sign-in."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from catalog import services as catalog_services
from marketplace.cart_session import SESSION_KEY, header_count
from marketplace.models import Cart, CartLine
from tests import factories
from tests.factories import DEFAULT_PASSWORD
from tests.factories import marketplace as mf
from tests.helpers import count_queries
from tests.marketplace.pages.helpers import url

pytestmark = pytest.mark.django_db


def lines_of(cart) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart=cart).values_list("product_id", "quantity"))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_cart_page_renders_in_both_languages(client, shop, language):
    client.post(url("cart_add"), {"product": shop.honey.pk, "quantity": 2})
    response = client.get(url("cart", language=language))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert shop.first.title in html
    assert url("cart_line", CartLine.objects.get().pk, language=language) in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_empty_cart_links_to_the_products(client, shop, language):
    html = client.get(url("cart", language=language)).content.decode()
    assert "empty-state" in html
    assert "/san-pham/" in html


def test_product_page_offers_add_to_cart_from_the_minimum_quantity(client, shop):
    product = factories.product(cooperative=shop.first, price_vnd=50_000, min_order_qty=3, stock=100)
    html = client.get(product.url).content.decode()
    assert f'action="{url("cart_add")}"' in html
    assert f'name="product" value="{product.pk}"' in html
    assert 'name="quantity" value="3"' in html


def test_visitor_fills_a_cart_kept_in_the_session(client, shop):
    response = client.post(url("cart_add"), {"product": shop.honey.pk, "quantity": 2})
    assert response.status_code == 302
    assert response.url == url("cart")
    cart = Cart.objects.get()
    assert cart.user is None
    assert client.session[SESSION_KEY] == cart.pk
    client.post(url("cart_add"), {"product": shop.sauce.pk, "quantity": 1})
    assert lines_of(cart) == {shop.honey.pk: 2, shop.sauce.pk: 1}
    html = client.get(url("cart")).content.decode()
    # One section per cooperative, each with its own shipping and total.
    assert html.count('class="cart-group"') == 2
    assert '<span class="cart-link__count" aria-hidden="true">2</span>' in html


def test_visitor_cart_merges_into_the_buyers_at_sign_in(client, shop, buyer):
    mine = mf.cart(buyer, [(shop.honey, 1)])
    client.post(url("cart_add"), {"product": shop.honey.pk, "quantity": 3})
    client.post(url("cart_add"), {"product": shop.sauce.pk, "quantity": 2})
    visitor = Cart.objects.get(user=None)

    response = client.post(reverse("accounts:login"), {"login": buyer.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302

    assert lines_of(mine) == {shop.honey.pk: 3, shop.sauce.pk: 2}
    assert not Cart.objects.filter(pk=visitor.pk).exists()
    assert SESSION_KEY not in client.session
    assert "cart-link__count" in client.get(url("cart")).content.decode()


def test_signing_in_without_a_visitor_cart_leaves_the_buyers_cart_alone(client, shop, buyer):
    mine = mf.cart(buyer, [(shop.honey, 1)])
    client.post(reverse("accounts:login"), {"login": buyer.email, "password": DEFAULT_PASSWORD})
    assert lines_of(mine) == {shop.honey.pk: 1}


def test_quantity_change_and_removal(buyer_client, buyer, shop):
    cart = mf.cart(buyer, [(shop.honey, 1), (shop.sauce, 1)])
    honey_line = CartLine.objects.get(cart=cart, product=shop.honey)
    sauce_line = CartLine.objects.get(cart=cart, product=shop.sauce)

    response = buyer_client.post(url("cart_line", honey_line.pk), {"action": "update", "quantity": 4})
    assert response.status_code == 302
    response = buyer_client.post(url("cart_line", sauce_line.pk), {"action": "remove"})
    assert response.status_code == 302
    assert lines_of(cart) == {shop.honey.pk: 4}


def test_quantity_above_the_stock_is_refused_on_its_line(buyer_client, buyer, shop):
    cart = mf.cart(buyer, [(shop.honey, 1)])
    line = CartLine.objects.get(cart=cart)
    response = buyer_client.post(url("cart_line", line.pk), {"action": "update", "quantity": 11})
    assert response.status_code == 400
    assert f'id="line-{line.pk}-errors"' in response.content.decode()
    assert lines_of(cart) == {shop.honey.pk: 1}


def test_problems_are_shown_per_line_and_checkout_is_withheld(buyer_client, buyer, shop):
    cart = mf.cart(buyer, [(shop.honey, 5)])
    catalog_services.product_set_stock(product=shop.honey, stock=2)
    line = CartLine.objects.get(cart=cart)
    html = buyer_client.get(url("cart")).content.decode()
    assert f'id="line-{line.pk}-problems"' in html
    assert url("checkout") not in html


def test_new_price_is_shown_and_accepted_only_with_the_price_displayed(buyer_client, buyer, shop):
    cart = mf.cart(buyer, [(shop.honey, 1)])
    line = CartLine.objects.get(cart=cart)
    shop.honey.price_vnd = 210_000
    shop.honey.save_revision().publish()

    html = buyer_client.get(url("cart")).content.decode()
    assert "200.000 ₫ → 210.000 ₫" in html
    assert f'name="price-{line.pk}" value="210000"' in html
    assert f'href="{url("checkout")}"' not in html

    # A price that is not today's (say the page was stale) is recorded as seen, so the change still shows.
    buyer_client.post(url("cart_accept_prices"), {f"price-{line.pk}": "200000"})
    assert "200.000 ₫ → 210.000 ₫" in buyer_client.get(url("cart")).content.decode()

    response = buyer_client.post(
        url("cart_accept_prices"), {f"price-{line.pk}": "210000", "back": "checkout"}
    )
    assert response.status_code == 302
    assert response.url == url("checkout")
    line.refresh_from_db()
    assert line.seen_unit_price_vnd == 210_000
    html = buyer_client.get(url("cart")).content.decode()
    assert "→" not in html
    assert f'href="{url("checkout")}"' in html


def test_header_count_costs_no_query_for_a_visitor_without_a_cart(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    with django_assert_num_queries(0):
        assert header_count(request) == 0


def test_header_count_costs_one_query_for_a_buyer(buyer, shop, django_assert_num_queries):
    mf.cart(buyer, [(shop.honey, 1), (shop.sauce, 1)])
    request = RequestFactory().get("/")
    request.user = buyer
    request.session = SessionStore()
    with django_assert_num_queries(1):
        assert header_count(request) == 2


def test_header_count_ignores_a_session_id_of_a_signed_in_users_cart(shop, buyer):
    owned = mf.cart(buyer, [(shop.honey, 1)])
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request.session[SESSION_KEY] = owned.pk
    assert header_count(request) == 0


def test_cart_page_costs_the_same_queries_for_2_or_20_lines(buyer_client, buyer, shop):
    cart = mf.cart(buyer, [(shop.honey, 1), (shop.sauce, 1)])
    buyer_client.get(url("cart"))  # the first page of the site makes its settings row
    two = count_queries(buyer_client, url("cart"))
    for n in range(18):
        product = factories.product(
            cooperative=shop.first if n % 2 else shop.second, price_vnd=10_000 + n, stock=50
        )
        mf.cart(buyer, [(product, 1)])
    assert CartLine.objects.filter(cart=cart).count() == 20
    assert count_queries(buyer_client, url("cart")) == two
    assert two <= 14


# --- hostile input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity", ["99999999999999999999999", "1\x00", "-1", "0", "abc", "", "1.5", "1e3", "1,5", "2" * 5000]
)
def test_bad_quantity_is_a_400_and_adds_nothing(client, shop, quantity):
    response = client.post(url("cart_add"), {"product": shop.honey.pk, "quantity": quantity})
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("product", ["abc", "", "-3", "99999999999999999999999999"])
def test_bad_product_id_is_a_400(client, shop, product):
    response = client.post(url("cart_add"), {"product": product, "quantity": 1})
    assert response.status_code == 400
    assert not CartLine.objects.exists()


def test_unknown_or_unpublished_product_is_a_404(client, shop):
    draft = factories.product(cooperative=shop.first, publish=False)
    for product_id in (draft.pk, 987654321):
        response = client.post(url("cart_add"), {"product": product_id, "quantity": 1})
        assert response.status_code == 404
        assert "form-errors" in response.content.decode()
    assert not CartLine.objects.exists()


def test_below_minimum_order_is_refused_with_the_rule(client, shop):
    product = factories.product(cooperative=shop.first, price_vnd=50_000, min_order_qty=3)
    response = client.post(url("cart_add"), {"product": product.pk, "quantity": 2})
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert not CartLine.objects.exists()


def test_a_line_of_another_cart_is_a_404_and_unchanged(client, shop, buyer):
    theirs = mf.cart(buyer, [(shop.honey, 2)])
    line = CartLine.objects.get(cart=theirs)
    client.post(url("cart_add"), {"product": shop.sauce.pk, "quantity": 1})  # a cart of one's own
    for data in ({"action": "update", "quantity": 5}, {"action": "remove"}):
        assert client.post(url("cart_line", line.pk), data).status_code == 404
    assert client.post(url("cart_accept_prices"), {f"price-{line.pk}": "1"}).status_code == 404
    line.refresh_from_db()
    assert (line.quantity, line.seen_unit_price_vnd) == (2, 200_000)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "update", "quantity": "abc"},
        {"action": "update", "quantity": "-4"},
        {"action": "update"},
        {"action": "explode", "quantity": "1"},
        {"action": "update", "quantity": "123456789012345678901234567890"},
    ],
)
def test_bad_line_change_is_a_400(buyer_client, buyer, shop, data):
    cart = mf.cart(buyer, [(shop.honey, 2)])
    line = CartLine.objects.get(cart=cart)
    assert buyer_client.post(url("cart_line", line.pk), data).status_code == 400
    line.refresh_from_db()
    assert line.quantity == 2


def test_huge_line_id_in_the_path_is_a_404(buyer_client, buyer, shop):
    mf.cart(buyer, [(shop.honey, 2)])
    response = buyer_client.post("/gio-hang/dong/99999999999999999999999999/", {"action": "remove"})
    assert response.status_code == 404
    assert CartLine.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"price-abc": "1"},
        {"price-1": "-5"},
        {"price-1": "xyz"},
        {"price-1": "0"},
        {"price-1": "9" * 40},
        {"price-99999999999999999999999": "1"},
    ],
)
def test_bad_price_acceptance_is_a_400(buyer_client, buyer, shop, data):
    cart = mf.cart(buyer, [(shop.honey, 1)])
    assert buyer_client.post(url("cart_accept_prices"), data).status_code == 400
    assert CartLine.objects.get(cart=cart).seen_unit_price_vnd == 200_000


def test_cart_pages_refuse_the_wrong_method(client, shop):
    assert client.get(url("cart_add")).status_code == 405
    assert client.get(url("cart_accept_prices")).status_code == 405
    assert client.post(url("cart")).status_code == 405
