"""Accepting a quote (/cung-cau/bao-gia/<id>/chap-nhan/): the review and confirmation page, the
address prefilled from the last purchase, the order it places, and the refusals that change nothing."""

import datetime

import pytest
from django.test import Client

from marketplace.models import BuyerDemand, Order, Quote
from marketplace.services.quotes import quote_withdraw
from tests import factories
from tests.factories import marketplace as mf
from tests.factories import quotes as qf
from tests.helpers import count_queries
from tests.marketplace.pages.helpers import shipping_post, url

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def accept_post(quote, **fields) -> dict:
    post = shipping_post() | {"revision": str(quote.revision), "confirm": "on", "note": ""}
    post.pop("payment_method")
    return post | fields


def accept(user, quote, **fields):
    return signed_in(user).post(url("quote_accept", quote.pk), accept_post(quote, **fields))


@pytest.fixture
def quoted(b2b):
    """Two quotes on the RFQ: rice's (transfer with a 30 % deposit) and tea's (cash on delivery)."""
    b2b.rice_quote = qf.quote(
        b2b.rfq,
        b2b.rice,
        qf.line(quantity=10, unit_price_vnd=18_000_000),
        payment_terms="deposit",
        deposit_percent=30,
    )
    b2b.tea_quote = qf.quote(
        b2b.rfq, b2b.tea, qf.line(quantity=10, unit_price_vnd=19_000_000), payment_terms="cod"
    )
    return b2b


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_review_page_shows_the_quote_and_its_terms(quoted, language):
    response = signed_in(quoted.buyer).get(url("quote_accept", quoted.rice_quote.pk, language=language))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert quoted.rice.title in html
    assert "180.000.000" in html or "180,000,000" in html  # the total
    assert "54.000.000" in html or "54,000,000" in html  # the 30 % deposit
    assert 'name="confirm"' in html
    assert 'name="ward"' in html
    assert f'name="revision" value="{quoted.rice_quote.revision}"' in html


def test_the_address_is_prefilled_from_the_last_purchase(quoted):
    mf.purchase(quoted.buyer, [(quoted.st25, 1)], address="99 Láng Hạ", name="Phùng Thảo Vy")
    form = signed_in(quoted.buyer).get(url("quote_accept", quoted.rice_quote.pk)).context["form"]
    assert form["address"].value() == "99 Láng Hạ"
    assert form["name"].value() == "Phùng Thảo Vy"
    assert form["province"].value() == "01"
    assert form["ward"].value()


def test_accepting_places_the_order_and_lands_on_it(quoted):
    response = accept(quoted.buyer, quoted.rice_quote, note="Giao sáng thứ Hai")
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("order", order.number)
    assert order.cooperative == quoted.rice
    assert order.total_vnd == 180_000_000
    assert order.purchase.buyer == quoted.buyer
    assert order.purchase.shipping_address == "12 Hàng Bạc"
    assert "Giao sáng thứ Hai" in order.purchase.note
    assert Quote.objects.get(pk=quoted.rice_quote.pk).status == "accepted"
    assert Quote.objects.get(pk=quoted.tea_quote.pk).status == "declined"
    assert BuyerDemand.objects.get(pk=quoted.rfq.pk).status == "awarded"
    landing = signed_in(quoted.buyer).get(response["Location"])
    assert landing.status_code == 200
    rfq_page = signed_in(quoted.buyer).get(url("rfq", quoted.rfq.pk)).content.decode()
    assert url("order", order.number) in rfq_page
    assert url("quote_accept", quoted.tea_quote.pk) not in rfq_page


def test_accepting_needs_the_yes(quoted):
    response = accept(quoted.buyer, quoted.rice_quote, confirm="")
    assert response.status_code == 400
    assert response.context["form"].errors["confirm"]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"ward": "99999"},
        {"province": "99"},
        {"phone": "123"},
        {"name": ""},
        {"name": "Lan\x00"},
        {"address": "x" * 300},
        {"note": "n" * 501},
        {"revision": "-1"},
        {"revision": "abc"},
        {"revision": str(10**30)},
    ],
)
def test_a_bad_address_or_note_is_shown_and_accepts_nothing(quoted, fields):
    response = accept(quoted.buyer, quoted.rice_quote, **fields)
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert not Order.objects.exists()
    assert Quote.objects.get(pk=quoted.rice_quote.pk).status == "sent"


def test_a_quote_revised_meanwhile_is_not_accepted_unseen(quoted):
    seen = quoted.rice_quote.revision
    qf.quote(quoted.rfq, quoted.rice, qf.line(quantity=10, unit_price_vnd=21_000_000))
    response = accept(quoted.buyer, quoted.rice_quote, revision=str(seen))
    html = response.content.decode()
    assert response.status_code == 409
    assert "page-errors" in html
    assert "210.000.000" in html  # the page now shows the new revision
    assert f'name="revision" value="{seen + 1}"' in html
    assert not Order.objects.exists()


def test_a_withdrawn_expired_or_second_quote_is_a_conflict(quoted):
    quote_withdraw(user=quoted.tea.quoter, quote=quoted.tea_quote)
    response = accept(quoted.buyer, quoted.tea_quote)
    assert response.status_code == 409
    assert "page-errors" in response.content.decode()
    assert accept(quoted.buyer, quoted.rice_quote).status_code == 302
    again = accept(quoted.buyer, quoted.rice_quote)
    assert again.status_code == 409
    assert Order.objects.count() == 1


def test_an_expired_quote_cannot_be_accepted(quoted):
    Quote.objects.filter(pk=quoted.rice_quote.pk).update(
        valid_until=datetime.date.today() - datetime.timedelta(days=1)
    )
    page = signed_in(quoted.buyer).get(url("quote_accept", quoted.rice_quote.pk)).content.decode()
    assert 'name="confirm"' not in page  # no form: it says why instead
    assert accept(quoted.buyer, quoted.rice_quote).status_code == 409
    assert not Order.objects.exists()


def test_only_the_buyer_accepts(quoted):
    quote = quoted.rice_quote
    assert signed_in(None).get(url("quote_accept", quote.pk)).status_code == 302  # to log in
    assert accept(None, quote).status_code == 302
    assert accept(quoted.rice.quoter, quote).status_code == 403  # sees the quote, may not accept
    assert signed_in(quoted.rice.quoter).get(url("quote_accept", quote.pk)).status_code == 403
    for outsider in (quoted.tea.quoter, quoted.outsider.quoter, factories.user()):
        assert accept(outsider, quote).status_code == 404
        assert signed_in(outsider).get(url("quote_accept", quote.pk)).status_code == 404
    assert not Order.objects.exists()
    assert Quote.objects.get(pk=quote.pk).status == "sent"


@pytest.mark.parametrize("quote_id", ["0", "999999", str(2**63), str(10**30)])
def test_a_wrong_quote_id_is_not_found(quoted, quote_id):
    assert signed_in(quoted.buyer).get(f"/cung-cau/bao-gia/{quote_id}/chap-nhan/").status_code == 404


def test_accepting_needs_the_csrf_token(quoted):
    client = Client(enforce_csrf_checks=True)
    client.force_login(quoted.buyer)
    assert (
        client.post(url("quote_accept", quoted.rice_quote.pk), accept_post(quoted.rice_quote)).status_code
        == 403
    )
    assert not Order.objects.exists()


def test_the_review_page_costs_the_same_queries_however_many_quotes_and_lines(quoted):
    client = signed_in(quoted.buyer)
    client.get(url("quote_accept", quoted.rice_quote.pk))
    few = count_queries(client, url("quote_accept", quoted.rice_quote.pk))
    for _ in range(3):
        qf.quote(quoted.rfq, qf.quoting_cooperative(), qf.line(), qf.line(description="Gạo tấm", quantity=1))
    assert count_queries(client, url("quote_accept", quoted.rice_quote.pk)) == few
