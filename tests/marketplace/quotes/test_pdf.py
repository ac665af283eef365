"""The quote PDF: for the RFQ's buyer and the quoting cooperative only, in Vietnamese and English,
naming neither the buyer nor the cooperative's contacts before acceptance."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from marketplace.documents import load_weasyprint
from marketplace.services.quotes import quote_accept
from tests import factories
from tests.factories import marketplace as mf
from tests.factories import quotes as qf
from tests.marketplace.test_api import call, client_for

try:
    load_weasyprint()
except OSError as error:  # only where scripts/ensure-pdf-deps.sh could not install the libraries
    pytest.skip(f"WeasyPrint cannot load its libraries ({error})", allow_module_level=True)
pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in pages))


@pytest.fixture
def quote(trade):
    page = trade.rice
    page.phone, page.email = "0291 3822 123", "htx@gaosoctrang.vn"
    page.save_revision().publish()
    return qf.quote(
        trade.rfq,
        trade.rice,
        qf.line(trade.st25, quantity=8, unit_price_vnd=18_500_000),
        qf.line(quantity=2, unit_price_vnd=17_000_000, description="Gạo ST25 loại hai"),
        payment_terms="deposit",
        deposit_percent=30,
        delivery_terms="Giao tại kho Thủ Đức",
    )


def test_the_buyer_gets_the_quote_in_vietnamese_without_the_cooperatives_contacts(trade, quote):
    answer = call(client_for(trade.buyer), "get", f"/quotes/{quote.pk}/pdf")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = text_of(answer.content)
    assert "Gạo ST25 loại hai" in text
    assert trade.rice.tax_code in text
    assert "18.500.000" in text
    assert "Giao tại kho Thủ Đức" in text
    assert "30%" in text
    assert "0291" not in text
    assert "htx@gaosoctrang.vn" not in text


def test_the_cooperative_gets_it_in_english_without_the_buyer(trade, quote):
    answer = call(client_for(trade.rice.quoter), "get", f"/quotes/{quote.pk}/pdf?language=en")

    assert answer.status_code == 200
    text = text_of(answer.content)
    assert "Quotation" in text
    assert "18,500,000" in text
    assert trade.buyer.email not in text


def test_after_acceptance_it_shows_the_order_and_the_cooperatives_contacts(trade, quote):
    order = quote_accept(user=trade.buyer, quote=quote, shipping=mf.address())

    text = text_of(call(client_for(trade.buyer), "get", f"/quotes/{quote.pk}/pdf").content)

    assert order.number in text
    assert "htx@gaosoctrang.vn" in text


@pytest.mark.parametrize("outsider", ["other cooperative", "other buyer", "anonymous"])
def test_others_are_refused(trade, quote, outsider):
    who = {"other cooperative": trade.tea.quoter, "other buyer": factories.user(), "anonymous": None}[
        outsider
    ]
    answer = call(client_for(who), "get", f"/quotes/{quote.pk}/pdf")
    assert answer.status_code in (401, 404)


@pytest.mark.parametrize("query", ["?language=fr", "?language=", "?language=" + "e" * 1000])
def test_an_unknown_language_is_400(trade, quote, query):
    assert call(client_for(trade.buyer), "get", f"/quotes/{quote.pk}/pdf{query}").status_code == 400
