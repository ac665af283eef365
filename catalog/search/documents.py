"""Turn published listings into search documents, the one shape every engine indexes.

"Published" means what the public site shows (selectors.public_products): a live,
public, not archived product of a live, verified cooperative. Anything else has
no document, so no engine can find it.
"""

import datetime
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from catalog import selectors
from catalog.models import Category, CooperativePage, OcopCertificate, SearchDocument

from .query import english_stems, index_text, without_phrase

BATCH_SIZE = 1000
_TAG = re.compile(r"<[^>]*>")
DESCRIPTION_LENGTH = 2000


def public_product_ids(*, side_by_side: bool = False) -> list[int]:
    """Every published listing's id, in order; with `side_by_side`, by category group, category,
    province and name (then id), the order a rebuild writes them in on PostgreSQL."""
    listings = selectors.public_products()
    if side_by_side:
        listings = listings.order_by(
            Coalesce("category__parent_id", "category_id"),
            "category_id",
            "cooperative__province_id",
            "title",
            "pk",
        )
    else:
        listings = listings.order_by("pk")
    return list(listings.values_list("pk", flat=True))


def documents_for(product_ids: Iterable[int]) -> Iterator[SearchDocument]:
    """Unsaved documents for those of `product_ids` that are published, in the order of the ids
    given, read a thousand at a time; the others are skipped.

    Read as plain rows, a thousand at a time, not as pages: building page objects was
    most of a rebuild's time.
    """
    ids = list(dict.fromkeys(product_ids))  # in the order given, each once
    today = timezone.localdate()
    categories = {c.pk: c for c in Category.objects.select_related("parent")}
    cooperatives: dict[int, _Cooperative] = {}
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        position = {product_id: i for i, product_id in enumerate(chunk)}
        rows = sorted(
            selectors.public_products().filter(pk__in=chunk).values_list(*PRODUCT_FIELDS),
            key=lambda row: position[row[0]],
        )
        missing = {row[PRODUCT_FIELDS.index("cooperative_id")] for row in rows} - cooperatives.keys()
        cooperatives.update(_cooperatives(missing))
        certificates = _ocop_certificates([row[0] for row in rows], today=today)
        for row in rows:
            product = dict(zip(PRODUCT_FIELDS, row, strict=True))
            yield _document(
                product,
                cooperative=cooperatives[product["cooperative_id"]],
                category=categories[product["category_id"]],
                certificate=certificates.get(product["pk"]),
            )


PRODUCT_FIELDS = (
    "pk",
    "title",
    "slug",
    "sku",
    "name_en",
    "description",
    "description_en",
    "unit",
    "price_vnd",
    "first_published_at",
    "category_id",
    "cooperative_id",
    "inventory__stock",
)


@dataclass
class _Cooperative:
    name: str
    tax_code: str
    kind: str
    province_code: str
    province_name: str
    url: str
    certifications: str


def _cooperatives(ids: set[int]) -> dict[int, _Cooperative]:
    today = timezone.localdate()
    found = {}
    pages = (
        CooperativePage.objects.filter(pk__in=ids)
        .select_related("province")
        .prefetch_related("certifications")
    )
    # A product's URL is its cooperative's plus its slug; URLs are those of the default language.
    with translation.override(settings.LANGUAGE_CODE):
        for page in pages:
            valid = [
                c.scheme
                for c in page.certifications.all()
                if c.valid_from <= today and (c.valid_until is None or today <= c.valid_until)
            ]
            found[page.pk] = _Cooperative(
                name=page.title,
                tax_code=page.tax_code,
                kind=page.kind,
                province_code=page.province_id,
                province_name=page.province.name,
                url=page.get_url() or "",
                certifications=" " + " ".join(valid) + " ",
            )
    return found


def _ocop_certificates(product_ids: list[int], *, today: datetime.date) -> dict[int, OcopCertificate]:
    """For each product, the valid certificate with the most stars, else the best one not yet in force.

    Search checks its dates at query time, so it stops counting the day it expires.
    """
    best: dict[int, OcopCertificate] = {}
    for certificate in OcopCertificate.objects.filter(product_id__in=product_ids, expires_on__gte=today).only(
        "product_id", "stars", "issued_on", "expires_on"
    ):
        key = (certificate.issued_on <= today, certificate.stars, certificate.expires_on)
        current = best.get(certificate.product_id)
        if current is None or key > (current.issued_on <= today, current.stars, current.expires_on):
            best[certificate.product_id] = certificate
    return best


def _document(product: dict, *, cooperative: _Cooperative, category: Category, certificate) -> SearchDocument:
    """The listing's words: its names and descriptions, SKU, category and province, and the
    stems of its English words (catalog/search/english.py). Not its cooperative's name, which
    would make every product of "HTX Mật ong …" a match for "mật ong": a cooperative is found
    as itself (catalog/search/cooperatives.py), and a description that repeats the name loses it
    here too."""
    group = category.parent or category
    stock = product["inventory__stock"]
    description = _plain(product["description"])
    description_en = without_phrase(_plain(product["description_en"]), cooperative.name)
    english_body = " ".join(
        [category.name_en, *([group.name_en] if group != category else []), description_en]
    )
    body = " ".join(
        [
            product["sku"],
            category.name,
            category.name_en,
            *([group.name, group.name_en] if group != category else []),
            cooperative.province_name,
            without_phrase(description, cooperative.name),
            description_en,
        ]
    )
    name_folded, name_marked = index_text(f"{product['title']} {product['name_en']}")
    body_folded, body_marked = index_text(body)
    name_folded = _joined(name_folded, english_stems(product["name_en"]))
    body_folded = _joined(body_folded, english_stems(english_body))
    return SearchDocument(
        product_id=product["pk"],
        sku=product["sku"],
        name=product["title"],
        name_en=product["name_en"],
        description=description,
        url=f"{cooperative.url}{product['slug']}/" if cooperative.url else "",
        unit=product["unit"],
        cooperative_tax_code=cooperative.tax_code,
        cooperative_name=cooperative.name,
        cooperative_kind=cooperative.kind,
        certifications=cooperative.certifications,
        category=category.slug,
        category_group=group.slug,
        province_code=cooperative.province_code,
        province_name=cooperative.province_name,
        price_vnd=product["price_vnd"],
        ocop_stars=certificate.stars if certificate else None,
        ocop_issued_on=certificate.issued_on if certificate else None,
        ocop_expires_on=certificate.expires_on if certificate else None,
        in_stock=stock is None or stock > 0,
        published_at=product["first_published_at"],
        name_folded=name_folded,
        name_marked=name_marked,
        body_folded=body_folded,
        body_marked=body_marked,
    )


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _plain(rich_text: str) -> str:
    # Tags become spaces, so "<p>a</p><p>b</p>" stays two words.
    return " ".join(html.unescape(_TAG.sub(" ", rich_text or "")).split())[:DESCRIPTION_LENGTH]
