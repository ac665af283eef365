"""Thin views for the catalogue: translate the request, call selectors, render."""

import io

import qrcode
import qrcode.image.svg
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import Category
from .places import UnknownProvince, resolve_province

PRODUCTS_PER_PAGE = 24


def catalogue_listing(request, page, *, category: str | None, province: str | None):
    chosen_category = None
    if category:
        chosen_category = Category.objects.filter(slug=category).select_related("parent").first()
        if chosen_category is None:
            raise Http404("Unknown category")
    chosen_province = None
    if province:
        try:
            chosen_province = resolve_province(province)
        except UnknownProvince as error:
            raise Http404(str(error)) from error
    products = selectors.with_card_images(
        selectors.filter_products(
            selectors.public_products(), category=chosen_category, province=chosen_province
        ).order_by("-first_published_at", "-pk")
    )
    page_obj = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/catalogue_index_page.html",
        {
            "page": page,
            "self": page,
            "products": page_obj,
            "category": chosen_category,
            "province": chosen_province,
            "category_groups": selectors.category_groups(),
            "provinces": selectors.provinces_with_counts(),
        },
    )


def product_qr_code(request, product):
    """Traceability QR code: an SVG linking to the product's public page."""
    image = qrcode.make(
        product.full_url or request.build_absolute_uri(product.url),
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
