"""Only what is on sale goes into a cart, checked against the catalogue as it is now."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import PageViewRestriction

from catalog import services
from marketplace.models import CartLine
from marketplace.selectors.carts import cart_view
from marketplace.services import carts
from tests import factories
from tests.factories import marketplace as mf

pytestmark = pytest.mark.django_db


def archived():
    return services.product_archive(product=factories.product())


def of_unverified_cooperative():
    return factories.product(cooperative=factories.cooperative(verified=False))


def in_private_section():
    cooperative = factories.cooperative()
    PageViewRestriction.objects.create(page=cooperative, restriction_type=PageViewRestriction.LOGIN)
    return factories.product(cooperative=cooperative)


@pytest.mark.parametrize("make", [archived, of_unverified_cooperative, in_private_section])
def test_a_product_not_on_sale_cannot_be_added(make):
    product = make()
    cart = mf.cart(factories.user())
    with pytest.raises(ValidationError):
        carts.cart_add(cart=cart, product=product, quantity=1)
    assert not CartLine.objects.filter(cart=cart).exists()


def test_a_product_archived_after_it_was_added_is_a_problem_in_the_cart():
    product = factories.product(price_vnd=10_000)
    cart = mf.cart(factories.user(), [(product, 1)])
    services.product_archive(product=product)

    for lean in (False, True):
        [line] = cart_view(cart, lean=lean).lines
        assert line.problems
