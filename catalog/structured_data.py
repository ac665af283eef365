"""schema.org JSON-LD for product and cooperative pages, so search engines read offers and OCOP ratings.

Built from what the page's selector already loaded (catalog.selectors.product_for_page,
cooperative_logo): no queries of their own. The template tags in
catalog/templatetags/catalog_tags.py only pass the request in.
"""

import html
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .localization import OCOP_BEST_RATING, in_language, inventory_of, localize_path

# The characters json_script escapes: a "</script>" inside a product name must stay data.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


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


def product_json_ld(request, product) -> str:
    """schema.org Product with its offer, maker and (only while valid) its OCOP certification."""
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


def cooperative_json_ld(request, cooperative, logo=None, certifications=()) -> str:
    """schema.org Organization for a cooperative's profile, with its valid certifications."""
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
