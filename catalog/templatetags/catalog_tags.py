"""Template tags for the catalogue's public pages: thin registrations of plain modules.

The helpers live where views and the API can import them too: language-aware
URLs, fields, dates, money and stars in catalog/localization.py, JSON-LD in
catalog/structured_data.py. The site's menu is in cms (cms_tags).

The few tags that read the database (`paginate`, `cooperative_media`) run a fixed
number of queries, whatever the length of a list.
"""

from django import template
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.safestring import mark_safe
from wagtail.contrib.routable_page.templatetags.wagtailroutablepage_tags import routablepageurl

from catalog import localization, selectors, structured_data
from catalog.page_cache import CSRF_PLACEHOLDER, fragments

register = template.Library()

register.filter("vnd", localization.vnd)
register.filter("whole_number", localization.whole_number)
register.filter("in_language", localization.in_language)
register.filter("display_name", localization.display_name)
register.filter("local_date", localization.local_date)
register.filter("month_names", localization.month_names)
register.filter("inventory_of", localization.inventory_of)
register.filter("card_stars", localization.card_stars)
register.filter("star_glyphs", localization.star_glyphs)


@register.simple_tag(takes_context=True)
def page_href(context, page) -> str:
    """The page's URL in the active language (`{% pageurl %}` always gives the Vietnamese one)."""
    if page is None:
        return ""
    return localization.localize_path(page.get_url(context.get("request")))


@register.simple_tag(takes_context=True)
def route_href(context, page, route_name, *args, **kwargs) -> str:
    """`{% routablepageurl %}` in the active language."""
    if page is None:
        return ""
    return localization.localize_path(routablepageurl(context, page, route_name, *args, **kwargs))


@register.simple_tag(takes_context=True)
def product_json_ld(context, product) -> str:
    return structured_data.product_json_ld(context.get("request"), product)


@register.simple_tag(takes_context=True)
def cooperative_json_ld(context, cooperative, logo=None, certifications=()) -> str:
    return structured_data.cooperative_json_ld(context.get("request"), cooperative, logo, certifications)


# --- lists ---------------------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def paginate(context, object_list, per_page=24):
    """A page of `object_list` for ?page= (a count and a slice: two queries for any page size)."""
    request = context.get("request")
    number = request.GET.get("page") if request is not None else None
    return Paginator(object_list, per_page).get_page(number)


CARD_TEMPLATE = "includes/product_card.html"


@register.simple_tag(takes_context=True)
def product_cards(context, products):
    """Each product's card, as `<li>` items, from the fragment cache where it holds them.

    Given an unevaluated queryset (a page of the catalogue or a cooperative), only the ids are
    read when every card is cached; the products are loaded, with all their card needs, only when
    one is missing. A list already loaded gets its cached cards, and draws the others without
    keeping them: it was read before the generation, so it could be older than it.
    """
    request = context.get("request")
    card = context.template.engine.get_template(CARD_TEMPLATE)

    def draw(product) -> str:
        with context.push(product=product):
            return card.render(context)

    prefix = fragments.prefix(request, "product-card") if fragments.enabled() and request else None
    if prefix is None:
        cards = [draw(product) for product in products]
    # A queryset already evaluated (a fair's prefetched showcase) is a list: no query of its own.
    elif isinstance(products, QuerySet) and products._result_cache is None:
        ids = list(products.prefetch_related(None).values_list("pk", flat=True))
        cached = fragments.fetch(prefix, ids)
        if len(cached) == len(ids):
            cards = [cached[pk] for pk in ids]
        else:
            drawn = {product.pk: cached.get(product.pk) or draw(product) for product in products}
            fragments.store(prefix, {pk: html for pk, html in drawn.items() if pk not in cached})
            cards = list(drawn.values())
    else:
        cached = fragments.fetch(prefix, [product.pk for product in products])
        cards = [cached.get(product.pk) or draw(product) for product in products]
    return mark_safe("".join(f"<li>{html}</li>\n  " for html in cards))  # noqa: S308 (rendered templates)


PRODUCT_BODY_TEMPLATE = "catalog/includes/product_body.html"


@register.simple_tag(takes_context=True)
def product_page_body(context):
    """A product page's content, from the fragment cache where it holds it.

    The content is the same for every visitor: a logged-in buyer's page, or one the page cache
    does not keep, costs neither the product's queries nor its drawing once it is kept. The one
    per-visitor thing in it, the "Add to cart" form's token, is drawn as the page cache's
    placeholder, which its middleware replaces on every response with the visitor's own token.
    A preview draws the draft it was given, its own fields and rows, never the live product's,
    and is never read from nor kept in the cache.
    """
    request, page = context.get("request"), context["page"]
    body = context.template.engine.get_template(PRODUCT_BODY_TEMPLATE)
    if request is None or getattr(request, "is_preview", False):
        with context.push(product=page):
            return mark_safe(body.render(context))  # noqa: S308 (a rendered template)
    # The scheme too: the structured data holds absolute links.
    prefix = fragments.prefix(request, f"product-page:{request.scheme}") if fragments.enabled() else None
    if prefix is not None:
        cached = fragments.fetch(prefix, [page.pk]).get(page.pk)
        if cached is not None:
            return mark_safe(cached)  # noqa: S308 (a rendered template)
    product = selectors.product_for_page(product_id=page.pk)
    token = {"csrf_token": CSRF_PLACEHOLDER} if prefix is not None else {}
    with context.push(product=product, **token):
        html = body.render(context)
    if prefix is not None:
        fragments.store(prefix, {page.pk: html})
    return mark_safe(html)  # noqa: S308 (a rendered template)


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
