"""`listed_among` (the rule in Python, for pages in hand) agrees with `listed_products` (the rule in SQL)."""

import pytest
from wagtail.models import PageViewRestriction

from catalog import services
from catalog.models import CooperativePage, ProductPage
from catalog.selectors import listed_among, listed_products, with_private_flag
from tests import factories

pytestmark = pytest.mark.django_db


def test_listed_among_agrees_with_listed_products_in_every_state(django_assert_num_queries):
    open_shop = factories.cooperative()
    on_sale = factories.product(cooperative=open_shop)
    draft = factories.product(cooperative=open_shop, publish=False)
    archived = services.product_archive(product=factories.product(cooperative=open_shop))
    unverified = factories.product(cooperative=factories.cooperative(verified=False))
    closed_shop = factories.cooperative()
    of_closed_shop = factories.product(cooperative=closed_shop)
    closed_shop.unpublish()
    private_shop = factories.cooperative()
    of_private_shop = factories.product(cooperative=private_shop)
    PageViewRestriction.objects.create(page=private_shop, restriction_type=PageViewRestriction.LOGIN)
    everything = [on_sale, draft, archived, unverified, of_closed_shop, of_private_shop]

    loaded = ProductPage.objects.filter(pk__in=[p.pk for p in everything]).select_related("cooperative")
    expected = set(listed_products().filter(pk__in=[p.pk for p in everything]).values_list("pk", flat=True))

    assert expected == {on_sale.pk}
    assert listed_among(loaded) == expected
    flagged = list(with_private_flag(loaded))
    assert {p.pk for p in flagged if p.in_private_section} == {of_private_shop.pk}
    with django_assert_num_queries(0):  # the flag stands in for the query of private sections
        assert listed_among(flagged) == expected
    assert CooperativePage.objects.get(pk=closed_shop.pk).live is False
