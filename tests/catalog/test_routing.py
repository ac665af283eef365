"""Routing down the catalogue with one query (catalog/routing.py) finds what Wagtail's walk finds."""

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from catalog.routing import DescendantRoutingMixin
from tests import factories


def route(path):
    """What the site's home page answers for `path`: the page, its sub-route and its arguments."""
    request = RequestFactory().get(path)
    home = Site.objects.get(is_default_site=True).root_page.specific
    try:
        page, args, kwargs = home.route(request, [c for c in path.split("/") if c])
    except Http404:
        return None
    if args:
        view, view_args, view_kwargs = args
        args = (view.__name__, view_args, view_kwargs)
    return type(page).__name__, page.pk, args, kwargs


@pytest.fixture
def tree():
    cooperative = factories.cooperative(name="HTX Gạo Thử")
    product = factories.product(cooperative=cooperative, name="Gạo ST25")
    draft = factories.product(cooperative=cooperative, name="Gạo nháp", publish=False)
    hidden = factories.cooperative(name="HTX Ẩn")
    orphan = factories.product(cooperative=hidden, name="Mật ong rừng")
    hidden.unpublish()
    return {"cooperative": cooperative, "product": product, "draft": draft, "orphan": orphan}


@pytest.mark.django_db
def test_routing_agrees_with_wagtails_walk(tree, monkeypatch):
    catalogue = tree["cooperative"].get_parent()
    paths = [
        "/",
        catalogue.url,
        catalogue.url + "category/food/",
        catalogue.url + "category/no-such-thing/",
        tree["cooperative"].url,
        tree["product"].url,
        tree["product"].url + "qr/",
        tree["product"].url + "no-such-route/",
        tree["draft"].url,
        # Wagtail walks through a page that is not live and answers with its live child.
        tree["orphan"].url,
        tree["cooperative"].url + "no-such-product/",
        catalogue.url + "no-such-cooperative/" + tree["product"].slug + "/",
    ]
    ours = [route(path) for path in paths]
    monkeypatch.setattr(
        DescendantRoutingMixin, "route", lambda self, request, c: Page.route(self, request, c)
    )
    wagtails = [route(path) for path in paths]

    assert ours == wagtails
    assert ours[5][:2] == ("ProductPage", tree["product"].pk)
    assert ours[6][2][0] == "qr_code"
    assert ours[8] is None


@pytest.mark.django_db
def test_a_product_is_found_with_three_page_queries(tree):
    request = RequestFactory().get(tree["product"].url)
    home = Site.objects.get(is_default_site=True).root_page.specific
    components = [c for c in tree["product"].url.split("/") if c]

    with CaptureQueriesContext(connection) as queries:
        page, _args, _kwargs = home.route(request, components)

    assert page.pk == tree["product"].pk
    assert page.get_parent().pk == tree["cooperative"].pk
    # The descendants on the path, the catalogue (routable) and the product, each as its own type.
    assert len(queries) == 3


@pytest.mark.django_db
def test_a_path_deeper_than_any_page_is_walked_wagtails_way(tree):
    # Hundreds of made-up components are not looked up as hundreds of prefixes at once: the walk
    # stops at the first that is not a page.
    components = ["khong-co", *(["x"] * 500)]
    request = RequestFactory().get("/" + "/".join(components) + "/")
    home = Site.objects.get(is_default_site=True).root_page.specific

    with CaptureQueriesContext(connection) as queries, pytest.raises(Http404):
        home.route(request, components)

    assert len(queries) == 1
    assert '"url_path" IN' not in queries.captured_queries[0]["sql"]
