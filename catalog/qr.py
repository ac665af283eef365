"""QR codes as SVG: the traceability code of a product page, the badge of a fair participant."""

import io

import qrcode
import qrcode.image.svg
from django.http import HttpResponse


def qr_svg(data: str) -> str:
    """An SVG document (with its XML declaration) of a QR code for `data`."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def inline_qr_svg(data: str) -> str:
    """The same, without the XML declaration, to be placed inside an HTML page."""
    svg = qr_svg(data)
    return svg.split("?>", 1)[-1].strip() if svg.startswith("<?xml") else svg


def product_qr_response(product, request) -> HttpResponse:
    """Traceability QR code: an SVG linking to the product's public page, cacheable for a day."""
    svg = qr_svg(product.full_url or request.build_absolute_uri(product.url))
    response = HttpResponse(svg.encode("utf-8"), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
