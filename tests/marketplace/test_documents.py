"""PDF documents: Vietnamese text survives into the PDF, the legal marks are there, nothing is fetched."""

import datetime
import io
import unicodedata
import urllib.request
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from marketplace import documents
from marketplace.payments import vietqr
from marketplace.payments.words import vnd_in_words

try:
    documents.load_weasyprint()  # loads Pango, HarfBuzz and fontconfig
except OSError as error:  # pragma: no cover - only where scripts/ensure-pdf-deps.sh could not install them
    pytest.skip(
        f"WeasyPrint cannot load its libraries ({error}): run scripts/ensure-pdf-deps.sh",
        allow_module_level=True,
    )

ORDER = "marketplace/documents/order_confirmation.html"
STATEMENT = "marketplace/documents/settlement_statement.html"
COOPERATIVE = "Hợp tác xã Nông nghiệp Đồng Tháp"
TAX_CODE = "1801234567"
NOT_AN_INVOICE = "Không phải hóa đơn GTGT"


def order_context(**changes) -> dict:
    lines = [
        {
            "sku": "NM-PQ-500",
            "name": "Nước mắm Phú Quốc 40 độ đạm",
            "unit": "chai",
            "quantity": 10,
            "unit_price_vnd": 85_000,
            "line_total_vnd": 850_000,
            "vat_label": "10%",
        },
        {
            "sku": "MO-BH-1L",
            "name": "Mật ong bạc hà Hà Giang",
            "unit": "hũ",
            "quantity": 2,
            "unit_price_vnd": 200_000,
            "line_total_vnd": 400_000,
            "vat_label": "5%",
        },
    ]
    payload = vietqr.build(bank_bin="970436", account="0123456789", amount=1_280_000, purpose="HTX03NQK8N1")
    context = {
        "order": {
            "number": "DH-2029-000123",
            "created_at": datetime.datetime(2029, 10, 22, 2, 30, tzinfo=datetime.UTC),
            "status_label": "Đã đặt",
            "payment_method_label": "Chuyển khoản VietQR",
            "payment_status_label": "Chưa thanh toán",
            "subtotal_vnd": 1_250_000,
            "shipping_vnd": 30_000,
            "total_vnd": 1_280_000,
            "note": "Giao giờ hành chính, gọi trước khi đến.",
        },
        "cooperative": {
            "name": COOPERATIVE,
            "tax_code": TAX_CODE,
            "address": "Ấp Tân Hưng, xã Tân Thuận Đông",
            "phone": "0277 3851 234",
            "email": "htx.dongthap@example.vn",
            "province": "Đồng Tháp",
        },
        "buyer": {
            "name": "Nguyễn Thị Hương",
            "phone": "0912 345 678",
            "address": "12 Phố Huế, phường Hai Bà Trưng, Hà Nội",
            "email": "huong@example.vn",
        },
        "lines": lines,
        "transfer": {
            "bank_name_or_bin": "Vietcombank (970436)",
            "account": "0123456789",
            "account_name": "HTX NONG NGHIEP DONG THAP",
            "amount_vnd": 1_280_000,
            "amount_in_words": vnd_in_words(1_280_000),
            "payment_code": "HTX03NQK8N1",
            "qr_png_data_uri": documents.qr_png_data_uri(payload),
        },
    }
    for key, value in changes.items():
        context[key] = value
    return context


def statement_context(**changes) -> dict:
    context = {
        "cooperative": {"name": COOPERATIVE, "tax_code": TAX_CODE},
        "month": datetime.date(2029, 10, 1),
        "sections": {
            "sold": [
                {"method_label": "Thẻ (Stripe)", "orders": 3, "amount_vnd": 2_400_000},
                {"method_label": "Chuyển khoản VietQR", "orders": 5, "amount_vnd": 6_150_000},
                {"method_label": "Thanh toán khi nhận hàng", "orders": 2, "amount_vnd": 700_000},
            ],
            "collected": [
                {"method_label": "Thẻ (Stripe)", "orders": 3, "amount_vnd": 2_400_000},
                {"method_label": "Chuyển khoản VietQR", "orders": 4, "amount_vnd": 4_870_000},
            ],
        },
        "commission_vnd": 0,
        "refunds": [
            {
                "date": datetime.date(2029, 10, 14),
                "order": "DH-2029-000101",
                "amount_vnd": 170_000,
                "reference": "FT29287XYZ",
            }
        ],
        "payouts": [
            {"date": datetime.date(2029, 10, 31), "amount_vnd": 2_230_000, "reference": "VCB-PAYOUT-0042"}
        ],
        "opening_balance_vnd": 500_000,
        "closing_balance_vnd": 500_000,
        "lines": [
            {
                "date": datetime.date(2029, 10, 3),
                "order": "DH-2029-000098",
                "description": "Bán hàng: Nước mắm Phú Quốc (thẻ)",
                "debit_vnd": 0,
                "credit_vnd": 2_400_000,
            },
            {
                "date": datetime.date(2029, 10, 14),
                "order": "DH-2029-000101",
                "description": "Hoàn tiền: Mật ong bạc hà",
                "debit_vnd": 170_000,
                "credit_vnd": 0,
            },
            {
                "date": datetime.date(2029, 10, 31),
                "order": "",
                "description": "Chi trả cho hợp tác xã",
                "debit_vnd": 2_230_000,
                "credit_vnd": 0,
            },
        ],
    }
    context.update(changes)
    return context


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, NFC-normalised, with runs of white space made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(unicodedata.normalize("NFC", page.extract_text()).split()) for page in reader.pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages_text(pdf))


@pytest.fixture
def requested_urls(monkeypatch):
    """Every URL a rendering asks its fetcher for, in order."""
    urls = []
    make_fetcher = documents.local_only_url_fetcher

    def recording_fetcher():
        fetcher = make_fetcher()
        fetch = fetcher.fetch

        def recording_fetch(url, headers=None):
            urls.append(url)
            return fetch(url, headers)

        fetcher.fetch = recording_fetch
        return fetcher

    monkeypatch.setattr(documents, "local_only_url_fetcher", recording_fetcher)
    return urls


@pytest.fixture
def opened_urls(monkeypatch):
    """Every URL urllib actually opens while the test runs (data: URLs included)."""
    urls = []
    open_url = urllib.request.OpenerDirector.open

    def recording_open(self, url, *args, **kwargs):
        urls.append(url.full_url if isinstance(url, urllib.request.Request) else url)
        return open_url(self, url, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", recording_open)
    return urls


def test_order_confirmation_keeps_vietnamese_text_extractable():
    pdf = documents.render_pdf(template=ORDER, context=order_context(), language="vi")

    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    for expected in (
        COOPERATIVE,
        "Nước mắm Phú Quốc 40 độ đạm",
        "Mật ong bạc hà Hà Giang",
        "Nguyễn Thị Hương",
        "Giao giờ hành chính, gọi trước khi đến.",
        "Một triệu hai trăm tám mươi nghìn đồng",
    ):
        assert expected in text


def test_documents_draw_every_letter_with_dejavu():
    """Pango falls back to any installed font for a letter its first choice lacks; here none is needed."""
    for template, context in ((ORDER, order_context()), (STATEMENT, statement_context())):
        reader = PdfReader(
            io.BytesIO(documents.render_pdf(template=template, context=context, language="vi"))
        )
        fonts = {
            str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        }
        assert fonts
        assert all(name.startswith("DejaVu-Sans") for name in fonts), fonts


def test_order_confirmation_carries_tax_code_and_not_an_invoice_mark():
    text = text_of(documents.render_pdf(template=ORDER, context=order_context(), language="vi"))

    assert TAX_CODE in text
    assert NOT_AN_INVOICE in text
    assert "Not a VAT invoice" in text
    assert "Mỗi hợp tác xã tự xuất hóa đơn điện tử" in text


def test_order_confirmation_writes_money_and_dates_the_vietnamese_way():
    text = text_of(documents.render_pdf(template=ORDER, context=order_context(), language="vi"))

    assert "1.280.000 ₫" in text
    assert "85.000 ₫" in text
    # 02:30 UTC is 09:30 in Việt Nam.
    assert "22/10/2029 09:30" in text


def test_order_confirmation_in_english_has_english_labels_and_keeps_the_vietnamese_mark():
    text = text_of(documents.render_pdf(template=ORDER, context=order_context(), language="en"))

    assert f"Tax code: {TAX_CODE}" in text
    assert "Order confirmation" in text
    assert "₫1,280,000" in text
    assert "22 Oct 2029 09:30" in text
    assert NOT_AN_INVOICE in text
    assert COOPERATIVE in text


def test_order_confirmation_without_transfer_or_note_leaves_those_parts_out():
    context = order_context(transfer=None)
    context["order"]["note"] = ""

    text = text_of(documents.render_pdf(template=ORDER, context=context, language="en"))

    assert "HTX03NQK8N1" not in text
    assert "Buyer's note" not in text
    assert NOT_AN_INVOICE in text


def test_long_order_numbers_its_pages_in_the_footer():
    line = order_context()["lines"][0]
    context = order_context(lines=[{**line, "sku": f"NM-{n:03}"} for n in range(90)])

    pages = pages_text(documents.render_pdf(template=ORDER, context=context, language="vi"))

    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in page
    assert "NM-000" in pages[0]
    assert "NM-089" in " ".join(pages[1:])


def test_hostile_values_are_printed_as_text_and_never_fetched(requested_urls, opened_urls):
    hostile_image = '<img src="http://example.com/x">'
    hostile_link = '<link rel="attachment" href="file:///etc/passwd">'
    context = order_context()
    context["order"]["note"] = hostile_image
    context["buyer"]["name"] = hostile_link
    context["lines"][0]["name"] = '<object data="file:///etc/passwd"></object>'

    pdf = documents.render_pdf(template=ORDER, context=context, language="vi")

    # A narrow column may wrap a long value anywhere: compare without white space.
    text = "".join(text_of(pdf).split())
    for hostile in (hostile_image, hostile_link, '<object data="file:///etc/passwd"></object>'):
        assert "".join(hostile.split()) in text
    # The QR code is the only resource, and it is a data: URL.
    assert len(requested_urls) == 1
    assert requested_urls[0].startswith("data:image/png;base64,")
    assert all(url.startswith("data:") for url in opened_urls)


def test_a_hostile_qr_url_is_refused_not_fetched(requested_urls, opened_urls):
    context = order_context()
    context["transfer"]["qr_png_data_uri"] = "http://127.0.0.1:9/qr.png"

    pdf = documents.render_pdf(template=ORDER, context=context, language="vi")

    assert requested_urls == ["http://127.0.0.1:9/qr.png"]
    assert opened_urls == []
    assert NOT_AN_INVOICE in text_of(pdf)


def test_markup_that_reaches_the_renderer_loads_nothing_from_outside(opened_urls):
    html = """<!DOCTYPE html><html><head>
      <link rel="stylesheet" href="http://example.com/a.css">
      <link rel="attachment" href="file:///etc/passwd">
      <style>
        @import url("https://example.com/b.css");
        @font-face { font-family: Remote; src: url("http://example.com/font.woff2"); }
        body { background: url("file:///etc/hostname"); font-family: Remote, "DejaVu Sans"; }
      </style></head>
      <body><p>Hợp tác xã</p><img src="http://example.com/x.png"><img src="relative.png">
      <a rel="attachment" href="file:///etc/passwd">tệp</a>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></body></html>"""

    pdf = documents.html_to_pdf(html)

    assert all(url.startswith("data:") for url in opened_urls)
    assert len(opened_urls) == 1
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert b"root:" not in pdf
    assert "Hợp tác xã" in text_of(pdf)


def test_settlement_statement_shows_the_month_in_vietnamese():
    pdf = documents.render_pdf(template=STATEMENT, context=statement_context(), language="vi")

    text = text_of(pdf)
    assert COOPERATIVE in text
    assert TAX_CODE in text
    assert "Hoàn tiền: Mật ong bạc hà" in text
    assert "Thanh toán khi nhận hàng" in text
    assert "VCB-PAYOUT-0042" in text
    assert "FT29287XYZ" in text
    assert "14/10/2029" in text
    # Sold in total: 2.400.000 + 6.150.000 + 700.000.
    assert "9.250.000 ₫" in text
    # Collected in total: 2.400.000 + 4.870.000.
    assert "7.270.000 ₫" in text


def test_settlement_statement_in_english_writes_money_the_english_way():
    text = text_of(documents.render_pdf(template=STATEMENT, context=statement_context(), language="en"))

    assert "October 2029" in text
    assert "₫9,250,000" in text
    assert "₫2,230,000" in text
    assert f"Tax code: {TAX_CODE}" in text


def test_settlement_statement_refuses_a_float_amount():
    context = statement_context()
    context["sections"]["sold"][0]["amount_vnd"] = 2_400_000.0

    with pytest.raises(TypeError, match="whole number"):
        documents.render_pdf(template=STATEMENT, context=context, language="vi")


def test_render_pdf_refuses_a_language_the_site_does_not_speak():
    with pytest.raises(ValueError, match="'fr'"):
        documents.render_pdf(template=ORDER, context=order_context(), language="fr")


def test_created_at_in_another_zone_is_shown_in_vietnam_time():
    context = order_context()
    context["order"]["created_at"] = datetime.datetime(2029, 10, 21, 20, 0, tzinfo=ZoneInfo("Europe/Paris"))

    text = text_of(documents.render_pdf(template=ORDER, context=context, language="vi"))

    assert "22/10/2029 01:00" in text


def test_drawing_a_pdf_leaves_pillow_refusing_truncated_images():
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process when imported;
    image uploads rely on it being off (tests/catalog/test_images.py)."""
    from PIL import ImageFile

    documents.render_pdf(template=ORDER, context=order_context(), language="vi")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
