"""Read API for the catalogue: provinces, cooperatives, products.

The endpoints only parse input and call selectors. Bad input is a 4xx with a
`detail` message, never a 500: query parameters are validated by their schema
(config/api.py turns validation errors into 400s), and values that go on to the
database are checked for shape first, since PostgreSQL refuses NUL characters.
"""

import math
import re
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from . import selectors
from .models import CooperativePage, ProductInventory, Province
from .models.pages import TAX_CODE_RE
from .places import UnknownProvince, resolve_province
from .schemas import (
    CooperativeListOut,
    ErrorOut,
    ProductOut,
    ProvinceOut,
    SkuConflictOut,
    WardOut,
)

router = Router(tags=["catalogue"])

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _absolute_url(request: HttpRequest, page) -> str:
    # get_url() is site-relative on a single-site install; made absolute for the caller's host.
    return request.build_absolute_uri(page.get_url(request=request))


def _province_out(province: Province) -> dict:
    return {"code": province.code, "name": province.name}


def _cooperative_brief(cooperative: CooperativePage) -> dict:
    return {
        "tax_code": cooperative.tax_code,
        "name": cooperative.title,
        "province": _province_out(cooperative.province),
    }


@router.get("/provinces", response=list[ProvinceOut], summary="The 34 provinces and cities (since 2025)")
def provinces(request):
    return list(selectors.provinces())


@router.get(
    "/provinces/{code}/wards",
    response={200: list[WardOut], 400: ErrorOut},
    summary="The wards and communes of one province",
)
def province_wards(request, code: str):
    try:
        province = resolve_province(code[:100])
    except UnknownProvince as error:
        raise HttpError(400, str(error)) from error
    return Status(200, list(province.wards.order_by("name")))


@router.get(
    "/cooperatives",
    response={200: CooperativeListOut, 400: ErrorOut, 404: ErrorOut},
    summary="Verified cooperatives, 20 to a page",
)
def cooperatives(
    request,
    province: str | None = Query(
        None,
        max_length=100,
        description="Code (08 or 8), name with or without marks, or a pre-2025 province name.",
    ),
    kind: Literal["htx", "lhhtx", "tht"] | None = Query(None),
    page: int = Query(1, ge=1),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    chosen_province = None
    if province:
        try:
            chosen_province = resolve_province(province)
        except UnknownProvince as error:
            raise HttpError(400, str(error)) from error
    queryset = selectors.api_cooperatives(province=chosen_province, kind=kind)
    total = queryset.count()
    last_page = max(1, math.ceil(total / page_size))
    if page > last_page:
        raise HttpError(
            404,
            _("Page %(page)s is past the last page (%(last)s).") % {"page": page, "last": last_page},
        )
    start = (page - 1) * page_size
    items = [
        {
            "tax_code": cooperative.tax_code,
            "name": cooperative.title,
            "kind": cooperative.kind,
            "province": _province_out(cooperative.province),
            "url": _absolute_url(request, cooperative),
        }
        for cooperative in queryset[start : start + page_size]
    ]
    return {"total": total, "items": items}


@router.get(
    "/products/{sku}",
    response={200: ProductOut, 400: ErrorOut, 404: ErrorOut, 409: SkuConflictOut},
    summary="One product by SKU",
)
def product(
    request,
    sku: str,
    cooperative: str | None = Query(
        None, max_length=20, description="Tax code of the cooperative, when several use the SKU."
    ),
):
    not_found = HttpError(404, _("No product with SKU “%(sku)s”.") % {"sku": sku[:64]})
    if not SKU_RE.match(sku):
        raise not_found
    if cooperative is not None and not TAX_CODE_RE.match(cooperative):
        raise HttpError(404, _("No cooperative with tax code “%(code)s”.") % {"code": cooperative[:20]})
    found = selectors.api_products_by_sku(user=request.user, sku=sku, cooperative_tax_code=cooperative)
    if not found:
        raise not_found
    if len(found) > 1:
        return Status(
            409,
            {
                "detail": _("Several cooperatives use SKU “%(sku)s”. Choose one with ?cooperative=TAXCODE.")
                % {"sku": sku},
                "cooperatives": [_cooperative_brief(p.cooperative) for p in found],
            },
        )
    return _product_out(request, found[0])


def _product_out(request: HttpRequest, product) -> dict:
    try:
        stock = product.inventory.stock
    except ProductInventory.DoesNotExist:
        stock = None
    certificate = product.current_ocop_certificate
    return {
        "sku": product.sku,
        "name": product.title,
        "name_en": product.name_en,
        "category": product.category.slug,
        "unit": product.unit,
        "price_vnd": product.price_vnd,
        "min_order_qty": product.min_order_qty,
        "stock": stock,
        "status": product.status,
        "url": _absolute_url(request, product),
        "cooperative": _cooperative_brief(product.cooperative),
        "ocop_stars": product.ocop_stars,
        "ocop_certificate": certificate
        and {
            "certificate_no": certificate.decision_number,
            "stars": certificate.stars,
            "issued_on": certificate.issued_on,
            "expires_on": certificate.expires_on,
            "status": certificate.status,
        },
    }
