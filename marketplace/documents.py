"""PDF documents: order confirmations and a cooperative's monthly settlement statement.

A Django template is rendered in the document's language and drawn by WeasyPrint (Pango and
DejaVu Sans from Debian, installed by scripts/ensure-pdf-deps.sh; docs/documents.md).

The HTML carries values that buyers and cooperatives typed, so rendering must never make the
server fetch anything: the only resources a document may load are `data:` URLs (the VietQR
picture is passed as one). Every other URL — http(s), file, ftp, relative — is refused
before urllib sees it. Django's autoescaping keeps typed values as text in the first place;
the fetcher is the second wall, for markup a template author lets through.

WeasyPrint is imported on first use: it loads the C libraries when imported and costs most of
a second, which pages and commands that never draw a PDF should not pay.
"""

import base64
import io
import logging

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"data"})


def render_pdf(*, template: str, context: dict, language: str) -> bytes:
    """The template rendered with `context` in `language` ("vi" or "en"), as PDF bytes.

    Lazy translations in the context (model choice labels) are resolved in `language` too.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Documents are written in {', '.join(dict(settings.LANGUAGES))}, not {language!r}.")
    with translation.override(language):
        html = render_to_string(template, context)
    return html_to_pdf(html)


def load_weasyprint():
    """Import WeasyPrint, undoing the one global it changes.

    weasyprint.images sets Pillow's `ImageFile.LOAD_TRUNCATED_IMAGES = True` for the whole process,
    which would let every later image upload through with a truncated file (catalog checks uploads
    by decoding them). Our documents embed only our own complete QR pictures, so the flag goes back.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """An HTML document drawn as PDF, loading nothing but `data:` URLs."""
    HTML = load_weasyprint().HTML  # imported here: see the module docstring

    # No base_url: a relative URL has nothing to resolve against, so it is refused as well.
    return HTML(string=html, url_fetcher=local_only_url_fetcher()).write_pdf()


def local_only_url_fetcher():
    """A WeasyPrint URL fetcher that serves `data:` URLs and refuses every other URL."""
    load_weasyprint()
    from weasyprint.urls import URLFetcher  # imported here: see the module docstring

    class LocalOnlyURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
            if scheme not in ALLOWED_SCHEMES:
                logger.warning("A document tried to load %.200r; documents load nothing from outside.", url)
                raise ValueError(f"Documents load nothing from outside: {url[:200]!r}")
            return super().fetch(url, headers)

    # allowed_protocols is the library's own check, after ours; redirects cannot happen with data: URLs.
    return LocalOnlyURLFetcher(allowed_protocols=ALLOWED_SCHEMES, allow_redirects=False, fail_on_errors=False)


def qr_png_data_uri(data: str) -> str:
    """A QR code for `data` (a VietQR payload) as a `data:image/png` URL, the one kind a document loads."""
    buffer = io.BytesIO()
    qrcode.make(data, box_size=8, border=2).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
