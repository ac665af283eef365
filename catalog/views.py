"""The search page: translate the request, call the search service, render.

The catalogue's own pages (the listing, products, their QR codes) are Wagtail pages
and render themselves (catalog/models/pages.py).
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import search, selectors
from .localization import display_name, localize_path, vnd
from .models import CooperativePage
from .page_cache import anonymous_page

SEARCH_RESULTS_PER_PAGE = 20
SEARCH_FILTERS = ("category", "province", "stars_min", "price_min", "price_max", "kind", "in_stock")
_SEARCH_PARAMS = ("q", "sort", "page", *SEARCH_FILTERS)


@anonymous_page(params=_SEARCH_PARAMS)
def search_page(request):
    """The search page: the service's hits, facets and suggestion, for a plain GET form.

    Bad input (search.SearchQueryError) is shown on the page with a 400, never a 500.
    """
    params = {name: request.GET.get(name, "").strip() for name in _SEARCH_PARAMS}
    context = {
        "params": params,
        "sorts": _sort_choices(),
        "error": None,
        "result": None,
        # Each form sends what the other controls, so submitting one keeps the rest.
        "kept_by_text_form": [(name, params[name]) for name in SEARCH_FILTERS if params[name]],
        "kept_by_price_form": [
            (name, params[name])
            for name in ("q", "sort", "category", "province", "stars_min", "kind")
            if params[name]
        ],
    }
    try:
        query = search.SearchQuery(
            text=params["q"],
            category=params["category"] or None,
            province=params["province"] or None,
            stars_min=params["stars_min"] or None,
            price_min=params["price_min"] or None,
            price_max=params["price_max"] or None,
            kind=params["kind"] or None,
            in_stock=True if params["in_stock"] in {"1", "true", "on"} else None,
            sort=params["sort"] or "relevance",
            page=params["page"] or 1,
            page_size=SEARCH_RESULTS_PER_PAGE,
        ).clean()
        result = search.search(query)
    except search.SearchQueryError as error:
        context["error"] = str(error)
        if error.plain_text:
            context["plain_search"] = (error.plain_text, _SearchLinks(params).with_(q=error.plain_text))
        return render(request, "catalog/search_page.html", context, status=400)
    categories = selectors.categories_by_slug(
        {f.value for f in result.facets.get("category", ())} | {hit.category for hit in result.hits}
    )
    for hit in result.hits:
        hit.page_url = localize_path(hit.url)
        hit.category_label = display_name(categories.get(hit.category)) or hit.category
    for cooperative in result.cooperatives:
        cooperative.page_url = localize_path(cooperative.url)
    links = _SearchLinks(params)
    context.update(
        {
            "result": result,
            "page_obj": Paginator(range(result.total), result.page_size).page(result.page),
            "category_facets": _category_facets(result, query, categories, links),
            "province_facets": [
                {
                    "label": f.label,
                    "count": f.count,
                    "active": f.value == query.province_code,
                    "url": links.toggle("province", f.value, active=f.value == query.province_code),
                }
                for f in result.facets.get("province", ())
            ],
            "star_facets": _star_facets(result, query, links),
            "active_filters": _active_filters(params, query, result, categories, links),
            "suggestion_url": result.suggestion and links.with_(q=result.suggestion),
            "search_everything_url": links.only_text() if any(params[f] for f in SEARCH_FILTERS) else "",
            "category_groups": selectors.category_groups() if not result.total else (),
        }
    )
    return render(request, "catalog/search_page.html", context)


def _sort_choices() -> list[tuple[str, str]]:
    return [
        ("relevance", _("Best match")),
        ("price_asc", _("Price: low to high")),
        ("price_desc", _("Price: high to low")),
        ("newest", _("Newest")),
        ("stars", _("OCOP stars")),
    ]


class _SearchLinks:
    """Query strings for this search with one thing changed; every change goes back to page 1."""

    def __init__(self, params: dict[str, str]):
        self.params = {name: value for name, value in params.items() if value and name != "page"}

    def with_(self, **changes) -> str:
        params = {**self.params, **changes}
        return "?" + urlencode({name: value for name, value in params.items() if value})

    def toggle(self, name: str, value, *, active: bool) -> str:
        return self.with_(**{name: "" if active else value})

    def only_text(self) -> str:
        return "?" + urlencode({name: self.params[name] for name in ("q", "sort") if name in self.params})


def _category_facets(result, query, categories: dict, links: _SearchLinks) -> list[dict]:
    """Category groups with their subcategories nested, as the facet counted them."""
    groups: dict[str, dict] = {}
    children: list[tuple[str, dict]] = []
    for facet in result.facets.get("category", ()):
        category = categories.get(facet.value)
        active = facet.value == query.category
        item = {
            "label": facet.label,
            "count": facet.count,
            "active": active,
            "url": links.toggle("category", facet.value, active=active),
            "children": [],
        }
        if category is not None and category.parent_id:
            children.append((category.parent.slug, item))
        else:
            groups[facet.value] = item
    for parent, item in children:
        if parent in groups:
            groups[parent]["children"].append(item)
        else:
            groups[parent] = item
    return list(groups.values())


def _star_facets(result, query, links: _SearchLinks) -> list[dict]:
    """ "4★ or more" and the like: each minimum with the listings it keeps."""
    counts = {int(f.value): f.count for f in result.facets.get("ocop_stars", ()) if f.value is not None}
    facets = []
    for stars in sorted(counts, reverse=True):
        active = query.stars_min == stars
        facets.append(
            {
                "stars": stars,
                "count": sum(n for s, n in counts.items() if s >= stars),
                "active": active,
                "url": links.toggle("stars_min", stars, active=active),
            }
        )
    return facets


def _active_filters(params, query, result, categories: dict, links: _SearchLinks) -> list[dict]:
    """What narrows this search, each with a link that removes it."""
    provinces = {f.value: f.label for f in result.facets.get("province", ())}
    labels = {
        "category": display_name(categories.get(query.category)) or query.category,
        "province": provinces.get(query.province_code) or params["province"],
        "stars_min": query.stars_min and _("%(stars)s★ or more") % {"stars": query.stars_min},
        "price_min": query.price_min is not None and _("From %(price)s") % {"price": vnd(query.price_min)},
        "price_max": query.price_max is not None and _("Up to %(price)s") % {"price": vnd(query.price_max)},
        "kind": query.kind and CooperativePage.Kind(query.kind).label,
        "in_stock": query.in_stock and _("In stock"),
    }
    return [
        {"label": labels[name], "url": links.with_(**{name: ""})}
        for name in SEARCH_FILTERS
        if params[name] and labels[name]
    ]
