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


@register.tag
def kept(parser, token):
    """`{% kept "name" %}…{% endkept %}`: a part of a page's content, from the fragment cache where
    it holds it for this request's URL (the view puts `fragments.for_page` in the context as
    `content_kept`; without it the part is simply drawn). The part must be the same for every
    visitor; the data it reads should be lazy, so that a kept part costs no query. A form token in
    it is drawn as the page cache's placeholder, which its middleware replaces on every response.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the part's name.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(parser.compile_filter(bits[1]), nodelist)


class KeptNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        where = context.get("content_kept")
        if where is None:
            return self.nodelist.render(context)
        key = f"{where.key}:{self.name.resolve(context)}"
        cached = fragments.fetch(where.prefix, [key]).get(key)
        if cached is not None:
            return cached
        with context.push(csrf_token=CSRF_PLACEHOLDER):
            html = self.nodelist.render(context)
        fragments.store(where.prefix, {key: html})
        return html


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
