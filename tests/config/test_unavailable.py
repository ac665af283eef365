"""While the database cannot be reached the site answers 503 "try again", never a 500 traceback page,
and a checkout cut off half-way leaves nothing behind (scripts/drill-db-restart.sh does it for real)."""

import dataclasses
import json
from contextlib import contextmanager

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.test import Client

from catalog.models import ProductInventory
from marketplace.models import CartLine, Order, OrderLine, Purchase
from tests import factories
from tests.factories import marketplace as mf

pytestmark = pytest.mark.django_db

SHUT_DOWN = "terminating connection due to administrator command"


@contextmanager
def database_down(error=OperationalError):
    """Every query raises `error`, as after PostgreSQL restarted under the connection."""
    wrapper = connections["default"]

    def refuse(*args, **kwargs):
        raise error(SHUT_DOWN)

    wrapper.cursor = refuse
    try:
        yield
    finally:
        del wrapper.cursor


class RaisingMiddleware:
    """Fails before any view runs, as SessionMiddleware's save does when the database is gone."""

    error: Exception = OperationalError(SHUT_DOWN)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise self.error


def _assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert b"Traceback" not in response.content
    assert SHUT_DOWN.encode() not in response.content


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_answers_503_while_the_database_is_down(client, error):
    with database_down(error):
        response = client.get("/san-pham/")

    _assert_unavailable(response)
    assert response["Content-Type"].startswith("text/html")
    assert "Tạm thời".encode() in response.content or b"unavailable" in response.content.lower()


def test_a_page_answers_503_while_the_database_is_down_with_the_caches_on(client, settings, tmp_path):
    """With the caches on, the page cache's middleware looks up the site before any view: a database
    that cannot be reached leaves it to the view, which answers 503."""
    settings.FRAGMENT_CACHE_SECONDS = settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_STAMP_FILE = tmp_path / "page-cache-stamp"
    with database_down():
        _assert_unavailable(client.get("/san-pham/"))
    assert client.get("/san-pham/").status_code == 200  # and the next request is served


def test_the_api_answers_503_with_a_detail_while_the_database_is_down(client):
    with database_down():
        response = client.get("/api/v1/provinces")

    _assert_unavailable(response)
    assert set(response.json()) == {"detail"}


def test_a_database_error_outside_any_view_is_a_503_too(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.RaisingMiddleware"]
    client = Client(raise_request_exception=False)

    _assert_unavailable(client.get("/"))
    api = client.get("/api/v1/provinces")
    _assert_unavailable(api)
    assert "detail" in api.json()


def test_other_errors_are_still_the_500_page(settings, monkeypatch):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.RaisingMiddleware"]
    monkeypatch.setattr(RaisingMiddleware, "error", ValueError("a bug"))
    client = Client(raise_request_exception=False)

    response = client.get("/")

    assert response.status_code == 500
    assert "Retry-After" not in response


def test_a_checkout_cut_off_by_the_database_answers_503_and_leaves_nothing_half_written(
    client, buyer, monkeypatch
):
    cooperative = factories.cooperative()
    mf.terms(cooperative)
    honey = factories.product(cooperative=cooperative, price_vnd=200_000, stock=10)
    mf.cart(buyer, [(honey, 3)])
    client.force_login(buyer)

    def connection_lost(*args, **kwargs):
        # Stock is taken last, after the purchase, its orders and their lines were written.
        assert Purchase.objects.exists()
        assert OrderLine.objects.exists()
        raise OperationalError(SHUT_DOWN)

    monkeypatch.setattr("marketplace.services.stock.allocate", connection_lost)
    body = {"payment_method": "vietqr", "shipping": dataclasses.asdict(mf.address())}
    response = client.post("/api/v1/checkout", json.dumps(body), content_type="application/json")

    _assert_unavailable(response)
    assert (Purchase.objects.count(), Order.objects.count(), OrderLine.objects.count()) == (0, 0, 0)
    assert ProductInventory.objects.get(product=honey).stock == 10
    assert CartLine.objects.filter(cart__user=buyer).count() == 1
