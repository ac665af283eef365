"""Template helpers for the public pages: money, language-aware URLs and fields, OCOP stars, JSON-LD.

There is one page tree, in Vietnamese. English pages are the same pages under
/en/, showing the `*_en` fields when they are filled in. Wagtail reverses a
page's URL in the page's own language, so links go through `page_href` and
`route_href`, which move them to the active language.

The helpers work on what selectors already loaded. The few tags that read the
database (`site_sections`, `paginate`, `cooperative_media`) run a fixed number of
queries, whatever the length of a list.
"""

import html
import json

from django import template
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from wagtail.contrib.routable_page.templatetags.wagtailroutablepage_tags import routablepageurl

from catalog import selectors
from catalog.money import format_vnd

register = template.Library()

ENGLISH = "en"
STAR, NO_STAR = "★", "☆"
OCOP_BEST_RATING = 5
# The characters json_script escapes: a "</script>" inside a product name must stay data.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


# --- money ---------------------------------------------------------------------------------------


@register.filter
def vnd(amount):
    """`1.250.000 ₫` in Vietnamese, `₫1,250,000` in English; empty for a missing amount."""
    if amount is None or amount == "":
        return ""
    return format_vnd(amount, get_language() or settings.LANGUAGE_CODE)


# --- URLs in the active language -----------------------------------------------------------------


def localize_path(url: str, language: str | None = None) -> str:
    """A URL of the Vietnamese page tree, moved to `language` (the active language by default)."""
    language = language or get_language() or settings.LANGUAGE_CODE
    if not url or language == settings.LANGUAGE_CODE:
        return url
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(url, language)


@register.simple_tag(takes_context=True)
def page_href(context, page) -> str:
    """The page's URL in the active language (`{% pageurl %}` always gives the Vietnamese one)."""
    if page is None:
        return ""
    return localize_path(page.get_url(context.get("request")))


@register.simple_tag(takes_context=True)
def route_href(context, page, route_name, *args, **kwargs) -> str:
    """`{% routablepageurl %}` in the active language."""
    if page is None:
        return ""
    return localize_path(routablepageurl(context, page, route_name, *args, **kwargs))


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One entry per language: this page's path in it, for the switcher and hreflang links."""
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    path = request.get_full_path()
    # Django's set_language translates `next` itself, resolving it in the default language
    # (its URL has no prefix). Wagtail's catch-all pattern would read "/en/…" there as a page
    # path and prefix it again, so the switcher always posts the default-language path.
    default_path = translate_url(path, settings.LANGUAGE_CODE)
    links = []
    for code, _name in settings.LANGUAGES:
        url = path if code == current else translate_url(path, code)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "next": default_path,
                "absolute_url": request.build_absolute_uri(url.split("?")[0]),
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def site_sections(context) -> dict:
    """URLs of the catalogue, the fairs index and the news index for the header (one query, kept
    on the request).

    As in wagtail/bakerydemo, the menu is read by a template tag: every page
    needs it, and no single view owns it.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    from catalog.models import CatalogueIndexPage
    from cms.models import NewsIndexPage
    from fairs.models import FairIndexPage

    request = context.get("request")
    cached = getattr(request, "_site_sections", None)
    if cached is not None:
        return cached
    types = ContentType.objects.get_for_models(CatalogueIndexPage, FairIndexPage, NewsIndexPage)
    names = {
        types[CatalogueIndexPage].pk: "catalogue",
        types[FairIndexPage].pk: "fairs",
        types[NewsIndexPage].pk: "news",
    }
    sections: dict[str, str] = {}
    for page in Page.objects.live().filter(content_type__in=names).order_by("path"):
        sections.setdefault(names[page.content_type_id], localize_path(page.get_url(request)))
    if request is not None:
        request._site_sections = sections
    return sections


# --- fields in the active language ---------------------------------------------------------------


@register.filter
def in_language(obj, field: str):
    """`obj.<field>_en` on English pages when it is filled in, else `obj.<field>`."""
    if obj is None:
        return ""
    if get_language() == ENGLISH:
        english = getattr(obj, f"{field}_en", None)
        if english:
            return english
    return getattr(obj, field, "")


@register.filter
def display_name(obj) -> str:
    """A product's or category's name in the active language (English falls back to Vietnamese)."""
    if obj is None:
        return ""
    language = get_language()
    if hasattr(obj, "display_name"):
        return obj.display_name(language)
    if hasattr(obj, "label") and callable(obj.label):
        return obj.label(language)
    return str(obj)


# Day first in Vietnamese (22/10/2029); the month spelt out in English, so no reader swaps day and month.
_DATE_FORMATS = {ENGLISH: "j M Y"}
_DEFAULT_DATE_FORMAT = "d/m/Y"


@register.filter
def local_date(value) -> str:
    """A date as people write it in the active language."""
    if not value:
        return ""
    return date_format(value, _DATE_FORMATS.get(get_language(), _DEFAULT_DATE_FORMAT))


@register.filter
def month_names(months) -> str:
    """ "Tháng 1, Tháng 2" / "January, February" for a list of month numbers."""
    return ", ".join(str(MONTHS[m]) for m in sorted(set(months or ())) if m in MONTHS)


@register.filter
def inventory_of(product):
    """The product's stock row, or None (select_related leaves a missing row as an exception)."""
    try:
        return product.inventory
    except ObjectDoesNotExist:
        return None


# --- OCOP stars ----------------------------------------------------------------------------------


@register.filter
def card_stars(product) -> int | None:
    """Stars of the product's valid OCOP certificate, or None.

    Lists annotate `valid_stars` in SQL; elsewhere the prefetched certificates
    decide. An expired certificate gives None either way.
    """
    if hasattr(product, "valid_stars"):
        return product.valid_stars
    return product.ocop_stars


@register.filter
def star_glyphs(stars) -> str:
    """★★★★☆ for 4 stars (decorative: the badge says the number in words as well)."""
    stars = int(stars or 0)
    return STAR * stars + NO_STAR * (OCOP_BEST_RATING - stars)


# --- lists ---------------------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def paginate(context, object_list, per_page=24):
    """A page of `object_list` for ?page= (a count and a slice: two queries for any page size)."""
    request = context.get("request")
    number = request.GET.get("page") if request is not None else None
    return Paginator(object_list, per_page).get_page(number)


@register.filter
def with_products(items) -> list:
    """The provinces or categories whose `product_count` is not zero."""
    return [item for item in items or () if getattr(item, "product_count", 0)]


@register.filter
def elided_page_range(page_obj):
    """Page numbers around the current page, with "…" for the gaps."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.simple_tag
def cooperative_media(cooperative) -> dict:
    """The cooperative's logo and gallery with their renditions (four queries at most)."""
    return {
        "logo": selectors.cooperative_logo(cooperative=cooperative),
        "gallery": selectors.cooperative_gallery(cooperative=cooperative),
    }


# --- structured data (JSON-LD) -------------------------------------------------------------------


def json_ld_script(data: dict) -> str:
    """A <script type="application/ld+json"> element whose content cannot close the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    # Safe: the JSON has every "<", ">" and "&" escaped above, as json_script does.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def _plain_text(rich_text) -> str:
    return html.unescape(strip_tags(str(rich_text or ""))).strip()


def _absolute(request, url: str | None) -> str | None:
    if not url:
        return None
    return request.build_absolute_uri(url) if request is not None else url


def _image_url(request, image) -> str | None:
    return _absolute(request, image.file.url) if image is not None else None


def _address(cooperative, *, with_street: bool) -> dict:
    address = {"@type": "PostalAddress", "addressRegion": cooperative.province.name, "addressCountry": "VN"}
    if with_street:
        if cooperative.address:
            address["streetAddress"] = cooperative.address
        if cooperative.ward_id:
            address["addressLocality"] = cooperative.ward.name
    return address


def _organization(request, cooperative, *, full: bool = False, logo=None) -> dict:
    data = {
        "@type": "Organization",
        "name": cooperative.title,
        "url": _absolute(request, localize_path(cooperative.get_url(request))),
        "address": _address(cooperative, with_street=full),
    }
    if full:
        data["taxID"] = cooperative.tax_code
        optional = {
            "telephone": cooperative.phone,
            "email": cooperative.email,
            "foundingDate": str(cooperative.founded_year) if cooperative.founded_year else "",
            "description": _plain_text(in_language(cooperative, "story")),
            "logo": _image_url(request, logo),
        }
        data.update({key: value for key, value in optional.items() if value})
    return data


def _ocop_certification(certificate) -> dict:
    return {
        "@type": "Certification",
        "name": "OCOP",
        "certificationIdentification": certificate.decision_number,
        "certificationRating": {
            "@type": "Rating",
            "ratingValue": certificate.stars,
            "bestRating": OCOP_BEST_RATING,
            "worstRating": 1,
        },
        "certificationStatus": "https://schema.org/CertificationActive",
        "issuedBy": {"@type": "Organization", "name": certificate.issuing_authority},
        "validFrom": certificate.issued_on,
        "expires": certificate.expires_on,
    }


@register.simple_tag(takes_context=True)
def product_json_ld(context, product) -> str:
    """schema.org Product with its offer, maker and (only while valid) its OCOP certification."""
    request = context.get("request")
    language = get_language()
    url = _absolute(request, localize_path(product.get_url(request)))
    cooperative = product.cooperative
    quantity = {"@type": "QuantitativeValue", "minValue": product.min_order_qty, "unitText": product.unit}
    offer = {
        "@type": "Offer",
        "url": url,
        "price": int(product.price_vnd),
        "priceCurrency": "VND",
        "eligibleQuantity": quantity,
    }
    tiers = list(product.wholesale_tiers.all())
    if tiers:
        offer["priceSpecification"] = [
            {
                "@type": "UnitPriceSpecification",
                "price": int(tier.unit_price_vnd),
                "priceCurrency": "VND",
                "eligibleQuantity": {
                    "@type": "QuantitativeValue",
                    "minValue": tier.min_quantity,
                    "unitText": product.unit,
                },
            }
            for tier in tiers
        ]
    inventory = inventory_of(product)
    if inventory is not None and inventory.stock is not None:
        offer["availability"] = (
            "https://schema.org/InStock" if inventory.stock > 0 else "https://schema.org/OutOfStock"
        )
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.display_name(language),
        "sku": product.sku,
        "url": url,
        "category": product.category.label(language),
        "offers": offer,
    }
    description = _plain_text(product.display_description(language))
    if description:
        data["description"] = description
    images = [product.main_image] if product.main_image_id else []
    images += [item.image for item in product.gallery_images.all()]
    if images:
        data["image"] = [_image_url(request, image) for image in images]
    if cooperative is not None:
        maker = _organization(request, cooperative)
        data["brand"] = maker
        data["manufacturer"] = maker
        offer["seller"] = maker
    if product.origin_province_id:
        data["countryOfOrigin"] = {"@type": "Country", "name": "VN"}
    certificate = product.valid_ocop_certificate
    if certificate is not None:
        data["hasCertification"] = _ocop_certification(certificate)
    return json_ld_script(data)


@register.simple_tag(takes_context=True)
def cooperative_json_ld(context, cooperative, logo=None, certifications=()) -> str:
    """schema.org Organization for a cooperative's profile, with its valid certifications."""
    request = context.get("request")
    data = {"@context": "https://schema.org", **_organization(request, cooperative, full=True, logo=logo)}
    valid = [c for c in certifications if c.is_valid]
    if valid:
        data["hasCertification"] = [
            {
                "@type": "Certification",
                "name": certification.label,
                "certificationIdentification": certification.number,
                "validFrom": certification.valid_from,
                **({"expires": certification.valid_until} if certification.valid_until else {}),
            }
            for certification in valid
        ]
    return json_ld_script(data)
