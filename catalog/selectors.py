"""Reads for the catalogue: querysets with what their pages and API need prefetched.

Every public list goes through here, so a page of 20 products costs the same
number of queries as a page of 2.
"""

import copy

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from . import page_cache
from .models import (
    CatalogueIndexPage,
    Category,
    CooperativeGalleryImage,
    CooperativePage,
    OcopCertificate,
    ProductGalleryImage,
    ProductInventory,
    ProductPage,
    Province,
)
from .permissions import staffing

# The rendition a product card shows; templates/includes/product_card.html uses the same spec.
CARD_IMAGE_SPEC = "fill-400x300|format-webp"


def _renditions(*specs: str):
    """Renditions of the given filter specs (all of them when none is given), for a Prefetch."""
    renditions = get_image_model().get_rendition_model().objects.all()
    return renditions.filter(filter_spec__in=specs) if specs else renditions


def with_card_images(queryset):
    """Prefetch the card rendition of each product's main image: one query for the whole list."""
    return queryset.prefetch_related(
        Prefetch("main_image__renditions", queryset=_renditions(CARD_IMAGE_SPEC))
    )


def with_valid_stars(queryset):
    """Annotate each product with `valid_stars`: its best OCOP rating valid today, or None.

    One subquery in SQL, so lists can sort and filter on it; an expired certificate counts
    for nothing (catalog.localization.card_stars reads the annotation).
    """
    today = timezone.localdate()
    best_valid = (
        OcopCertificate.objects.filter(product=OuterRef("pk"), issued_on__lte=today, expires_on__gte=today)
        .order_by("-stars")
        .values("stars")[:1]
    )
    return queryset.annotate(valid_stars=Subquery(best_valid))


def listed_products():
    """Published products of verified, published cooperatives: the filter alone, nothing loaded with it.

    For checks ("is this still on sale?") that must agree with `public_products` and stay cheap.
    """
    return (
        ProductPage.objects.live()
        .public()
        .filter(
            archived_at__isnull=True,
            cooperative__live=True,
            cooperative__verification=CooperativePage.Verification.VERIFIED,
        )
    )


# The annotation `with_private_flag` adds, which `listed_among` reads instead of querying.
PRIVATE_FLAG = "in_private_section"


def in_private_section(path: str = "path"):
    """SQL: the page whose tree path is the outer query's `path` lies under a Wagtail view restriction."""
    return Exists(
        PageViewRestriction.objects.filter(page__path=Substr(OuterRef(path), 1, Length("page__path")))
    )


def with_private_flag(queryset, *, path: str = "path", name: str = PRIVATE_FLAG):
    """Annotate each row with whether its page (at `path`) is in a private section: a subquery, no extra query."""
    return queryset.annotate(**{name: in_private_section(path)})


def listed_among(products) -> set[int]:
    """The ids of those of `products` (loaded with their cooperative) that `listed_products` holds.

    The same rule as `listed_products`, applied to pages already in hand, instead of querying the
    products again. The private sections (Wagtail's view restrictions) cost one query, or none when
    every product was loaded `with_private_flag`. tests/catalog/test_listed.py checks that they agree.
    """
    products = list(products)
    if all(hasattr(product, PRIVATE_FLAG) for product in products):
        private_ids = {product.pk for product in products if getattr(product, PRIVATE_FLAG)}
    else:
        private = list(PageViewRestriction.objects.values_list("page__path", flat=True))
        private_ids = {product.pk for product in products if any(product.path.startswith(p) for p in private)}
    return {
        product.pk
        for product in products
        if product.live
        and product.archived_at is None
        and product.cooperative is not None
        and product.cooperative.live
        and product.cooperative.verification == CooperativePage.Verification.VERIFIED
        and product.pk not in private_ids
    }


def public_products():
    """Published products of verified, published cooperatives, ready for cards and lists."""
    return with_valid_stars(
        listed_products()
        .select_related(
            "cooperative",
            "cooperative__province",
            "category",
            "category__parent",
            "main_image",
            "origin_province",
            "inventory",
        )
        .prefetch_related(
            Prefetch("ocop_certificates", queryset=OcopCertificate.objects.order_by("-issued_on")),
        )
    )


def filter_products(queryset, *, category: Category | None = None, province: Province | None = None):
    if category is not None:
        queryset = queryset.filter(Q(category=category) | Q(category__parent=category))
    if province is not None:
        queryset = queryset.filter(cooperative__province=province)
    return queryset


def catalogue_products(*, category: Category | None = None, province: Province | None = None):
    """The catalogue listing: public products in a category and a province, newest first, for cards."""
    return with_card_images(
        filter_products(public_products(), category=category, province=province).order_by(
            "-first_published_at", "-pk"
        )
    )


def cooperative_public_products(*, cooperative: CooperativePage):
    return with_card_images(public_products().filter(cooperative=cooperative).order_by("title"))


def cooperative_gallery(*, cooperative: CooperativePage) -> list[CooperativeGalleryImage]:
    """The cooperative's gallery with image renditions prefetched (two queries however long)."""
    return list(
        CooperativeGalleryImage.objects.filter(page=cooperative)
        .select_related("image")
        .prefetch_related(Prefetch("image__renditions", queryset=_renditions()))
        .order_by("sort_order")
    )


def cooperative_logo(*, cooperative: CooperativePage):
    """The cooperative's logo with its renditions prefetched, or None."""
    if cooperative.logo_id is None:
        return None
    return get_image_model().objects.filter(pk=cooperative.logo_id).prefetch_renditions().first()


def product_for_page(*, product_id: int) -> ProductPage:
    """One product with everything its page shows (images, tiers, certificates, cooperative)."""
    return (
        ProductPage.objects.select_related(
            "cooperative",
            "cooperative__province",
            "cooperative__ward",
            "cooperative__logo",
            "category",
            "category__parent",
            "main_image",
            "origin_province",
            "origin_ward",
            "inventory",
        )
        .prefetch_related(
            "ocop_certificates",
            "wholesale_tiers",
            Prefetch("main_image__renditions", queryset=_renditions()),
            Prefetch("cooperative__logo__renditions", queryset=_renditions()),
            Prefetch(
                "gallery_images",
                queryset=ProductGalleryImage.objects.select_related("image").prefetch_related(
                    Prefetch("image__renditions", queryset=_renditions())
                ),
            ),
        )
        .get(pk=product_id)
    )


def featured_ocop_products(*, limit: int):
    """Recent products with a valid OCOP rating, best-rated first."""
    return list(
        with_card_images(public_products())
        .filter(valid_stars__isnull=False)
        .order_by("-valid_stars", "-first_published_at")[:limit]
    )


def category_groups():
    return list(Category.objects.filter(parent__isnull=True).order_by("sort_order"))


def category_by_slug(slug: str) -> Category | None:
    """The category with this slug, with its group, or None."""
    return Category.objects.filter(slug=slug).select_related("parent").first()


def category_for_page(slug: str) -> Category | None:
    """`category_by_slug` for a public page: every category (a few dozen) remembered in each process
    under the page cache's generation, which a category saved or deleted moves; a copy for each
    caller. A category page then asks the database nothing for it."""
    every = page_cache.remembered.get(
        ("categories-by-slug",), lambda: {c.slug: c for c in Category.objects.select_related("parent")}
    )
    found = every.get(slug)
    return None if found is None else copy.copy(found)


def categories_by_slug(slugs) -> dict[str, Category]:
    """The categories with these slugs, with their groups, by slug (one query)."""
    return {c.slug: c for c in Category.objects.filter(slug__in=set(slugs)).select_related("parent")}


def category_groups_with_counts():
    counts = dict(
        public_products()
        .values_list("category__parent_id", "category_id")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    groups = list(
        Category.objects.filter(parent__isnull=True).prefetch_related("children").order_by("sort_order")
    )
    for group in groups:
        group.product_count = counts.get(group.pk, 0) + sum(
            counts.get(child.pk, 0) for child in group.children.all()
        )
    return groups


def provinces():
    """The 34 provinces and cities, by code."""
    return Province.objects.order_by("code")


def provinces_with_counts():
    counts = dict(
        public_products().order_by().values_list("cooperative__province_id").annotate(n=Count("pk"))
    )
    provinces = list(Province.objects.all())
    for province in provinces:
        province.product_count = counts.get(province.code, 0)
    return provinces


def catalogue_index() -> CatalogueIndexPage | None:
    return CatalogueIndexPage.objects.live().first()


def public_cooperatives():
    return (
        CooperativePage.objects.live()
        .public()
        .filter(verification=CooperativePage.Verification.VERIFIED)
        .select_related("province", "logo")
    )


def inventory_for(*, product: ProductPage) -> ProductInventory | None:
    return ProductInventory.objects.filter(product=product).first()


# --- api ---


def api_cooperatives(*, province: Province | None = None, kind: str | None = None):
    """Live, verified cooperatives for the API list, in a stable order so pages do not overlap."""
    queryset = (
        CooperativePage.objects.live()
        .public()
        .filter(verification=CooperativePage.Verification.VERIFIED)
        .select_related("province")
    )
    if province is not None:
        queryset = queryset.filter(province=province)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("title", "tax_code")


def api_products_visible_to(user):
    """Products `user` may read through the API.

    Everyone sees what the public site shows; staff of a cooperative also see its
    drafts, listings in review and archived listings; administrators see everything.
    """
    queryset = ProductPage.objects.all()
    if not (user.is_authenticated and user.is_active and user.is_superuser):
        published = (
            ProductPage.objects.live()
            .public()
            .filter(
                archived_at__isnull=True,
                cooperative__live=True,
                cooperative__verification=CooperativePage.Verification.VERIFIED,
            )
            .values("pk")
        )
        visible = Q(pk__in=published)
        if user.is_authenticated and user.is_active:
            # By tree position, not the denormalised `cooperative` key: a page saved as a
            # draft skips full_clean(), so a never-published product may not have it set.
            own_paths = CooperativePage.objects.filter(pk__in=staffing(user).cooperative_ids).values_list(
                "path", flat=True
            )
            for path in own_paths:
                visible |= Q(path__startswith=path)
        queryset = queryset.filter(visible)
    return queryset.select_related("cooperative", "cooperative__province", "category", "inventory")


def api_products_by_sku(*, user, sku: str, cooperative_tax_code: str | None = None) -> list[ProductPage]:
    """The products with this SKU that `user` may read: one, none, or several cooperatives' own."""
    queryset = api_products_visible_to(user).filter(sku=sku)
    if cooperative_tax_code is not None:
        cooperative_paths = CooperativePage.objects.filter(tax_code=cooperative_tax_code).values_list(
            "path", flat=True
        )[:1]
        path = next(iter(cooperative_paths), None)
        if path is None:
            return []
        queryset = queryset.filter(path__startswith=path)
    products = list(
        queryset.prefetch_related(
            Prefetch("ocop_certificates", queryset=OcopCertificate.objects.order_by("-issued_on"))
        ).order_by("path")
    )
    for product in products:
        if product.cooperative_id is None:
            # Only unpublished drafts lack the key (see above); at most a handful per SKU.
            product.cooperative = CooperativePage.objects.select_related("province").get(
                path=product.path[: -ProductPage.steplen]
            )
    return products
