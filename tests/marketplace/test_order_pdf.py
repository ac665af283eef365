"""The order confirmation PDF: for the buyer and the cooperative's staff only, Vietnamese text extractable."""

import io
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from marketplace.documents import load_weasyprint
from tests import factories
from tests.factories import marketplace as mf

try:
    load_weasyprint()
except OSError as error:  # only where scripts/ensure-pdf-deps.sh could not install the libraries
    pytest.skip(f"WeasyPrint cannot load its libraries ({error})", allow_module_level=True)
pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    staff = factories.user()
    cooperative = factories.cooperative(name="HTX Nông nghiệp Đồng Tháp", staff=[staff])
    mf.terms(cooperative)
    product = factories.product(
        cooperative=cooperative, name="Gạo ST25 Sóc Trăng", price_vnd=45_000, stock=50
    )
    buyer = factories.user()
    order = mf.purchase(buyer, [(product, 10)]).orders.get()
    return order, buyer, staff, cooperative


def test_buyer_gets_the_pdf_with_vietnamese_text_and_the_tax_code(client, setting):
    order, buyer, _staff, cooperative = setting
    client.force_login(buyer)
    response = client.get(reverse("marketplace:order_pdf", kwargs={"number": order.number}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = unicodedata.normalize(
        "NFC", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    )
    assert "Gạo ST25 Sóc Trăng" in text
    assert cooperative.tax_code in text
    assert "Không phải hóa đơn GTGT" in text
    assert order.number in text


def test_cooperative_staff_get_it_too(client, setting):
    order, _buyer, staff, _cooperative = setting
    client.force_login(staff)
    assert client.get(reverse("marketplace:order_pdf", kwargs={"number": order.number})).status_code == 200


def test_others_are_refused(client, setting):
    order, *_ = setting
    url = reverse("marketplace:order_pdf", kwargs={"number": order.number})
    assert client.get(url).status_code == 302  # anonymous: to the log-in
    other_staff = factories.user()
    factories.cooperative(staff=[other_staff])
    for intruder in (factories.user(), other_staff):
        client.force_login(intruder)
        assert client.get(url).status_code == 404
    client.force_login(setting[1])
    assert client.get(reverse("marketplace:order_pdf", kwargs={"number": "x" * 500})).status_code == 404
