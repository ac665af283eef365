"""Routing a URL down the page tree with one query, instead of two a level.

Wagtail's `Page.route` finds the page a path component names with one query and loads its
specific type with another, then asks that page to route the rest: a product at
/san-pham/<cooperative>/<product>/ cost eight queries before its view started. A page type with
`DescendantRoutingMixin` loads every descendant the remaining path names in one query (by
`url_path`, below its own tree path), and loads as its specific type only a page whose type routes
differently (a routable page, whose own sub-routes come first) or the page that answers.

The result is the one Wagtail's walk gives: the same page, 404 for a missing slug and for a page
that is not live, each page's own `route` called with what is left of the path. View
restrictions and preview do not go through `route` and are unchanged.
"""

from django.http import Http404
from wagtail.models import Page

# The deepest path looked up in one query: the home page's catalogue, cooperative, product and a
# product's own sub-route (qr/) are four.
MAX_DEPTH = 6
# Set on a page found by a routing ancestor: the descendants that ancestor already loaded.
_CHAIN = "_descendant_routing_chain"


def _routes_like_page(model) -> bool:
    """Whether pages of `model` route exactly as `Page.route` does (so the walk may go past them)."""
    return model is not None and model.route in (Page.route, DescendantRoutingMixin.route)


class DescendantRoutingMixin:
    """For page types high in the tree (home, catalogue): route to descendants with one query.

    Goes between a routable mixin and `Page` in the bases, so sub-routes still come first.
    """

    def route(self, request, path_components):
        # A path deeper than any page here is walked Wagtail's way, which stops at the first slug
        # that is not found, rather than looked up by every prefix of it at once.
        if not path_components or len(path_components) > MAX_DEPTH:
            return super().route(request, path_components)
        chain = getattr(self, _CHAIN, None)
        if chain is None:
            prefixes = ["/".join(path_components[: i + 1]) + "/" for i in range(len(path_components))]
            chain = list(
                Page.objects.filter(
                    path__startswith=self.path, url_path__in=[self.url_path + p for p in prefixes]
                ).order_by("depth")
            )
        parent, remaining = self, list(path_components)
        while remaining:
            subpage = next(
                (
                    page
                    for page in chain
                    if page.depth == parent.depth + 1
                    and page.path.startswith(parent.path)
                    and page.slug == remaining[0]
                ),
                None,
            )
            if subpage is None:
                raise Http404
            subpage._cached_parent_obj = parent
            remaining = remaining[1:]
            if not _routes_like_page(subpage.specific_class):
                specific = subpage.specific
                setattr(specific, _CHAIN, chain)
                return specific.route(request, remaining)
            parent = subpage
        if not parent.live:
            raise Http404
        return parent.specific.route(request, [])
