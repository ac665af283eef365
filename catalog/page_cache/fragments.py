"""Parts of public pages kept in the cache: HTML that is the same for every visitor who sees it.

A product card is drawn the same way on the catalogue, a cooperative's page, the home page and a
fair's page, for an anonymous visitor and a logged-in buyer. Drawn once and kept, it spares every
page that shows it the template work and, on lists, loading the product (`catalog_tags.product_cards`).

- A fragment holds nothing of one visitor: no CSRF token, user, cart or messages. `store` refuses
  HTML that holds a form token, unless it is the page cache's placeholder, which the middleware
  replaces on every response with the visitor's own (a product page's "Add to cart").
- Its key holds the page cache's generation, so it retires exactly when cached pages do
  (`invalidate()`), and, as a page's key does, the local date (OCOP stars expire at midnight), the
  language and the host (links are relative to the visitor's site).
- The generation is read before the data a fragment is drawn from (`prefix` first), so a change
  committed in between retires the fragment rather than hiding behind it.
- A cache that cannot be reached is logged; the page is drawn as if nothing were cached.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from . import CSRF_PLACEHOLDER, cache, current_generation, fragments_enabled, reads_only

logger = logging.getLogger(__name__)

enabled = fragments_enabled


def prefix(request, name: str) -> str | None:
    """The key prefix for `name` fragments on this request, read before their data; None when the
    cache cannot be reached."""
    try:
        current = current_generation()
    except Exception:
        logger.exception("Could not read the page cache's generation: fragments are drawn uncached")
        return None
    return (
        f"fragment:{name}:{current}:{timezone.localdate().isoformat()}:{get_language()}:{request.get_host()}"
    )


@dataclass(frozen=True)
class PageContent:
    """Where the parts of one page's content are kept for a request (`{% kept %}`)."""

    prefix: str
    key: str


def for_page(request, name: str, params) -> PageContent | None:
    """Where the parts of a page's content (`name`) are kept for this request, its path and query
    string; read before the page's data. None when fragments are off, for a preview (a draft), and
    for a query string that holds anything but the page's own `params`, each once and bounded, as
    for the page cache: made-up URLs cannot fill the cache."""
    if not enabled() or getattr(request, "is_preview", False) or not reads_only(request, params):
        return None
    # The scheme too: a page may hold absolute links.
    found = prefix(request, f"{name}:{request.scheme}")
    if found is None:
        return None
    where = f"{request.path}?{request.META.get('QUERY_STRING', '')}"
    return PageContent(found, hashlib.sha256(where.encode("utf-8", "backslashreplace")).hexdigest())


def fetch(prefix: str, ids) -> dict:
    """The fragments the cache holds for these ids, by id."""
    keys = {f"{prefix}:{pk}": pk for pk in ids}
    try:
        found = cache().get_many(list(keys))
    except Exception:
        logger.exception("Could not read cached fragments")
        return {}
    return {keys[key]: html for key, html in found.items()}


def store(prefix: str, fragments: dict) -> None:
    """Keep these fragments (HTML by id), drawn from data read after `prefix`."""
    safe = {pk: html for pk, html in fragments.items() if not _holds_a_token(html)}
    if len(safe) < len(fragments):
        logger.error("A fragment holds a form token and is not cached: %s", prefix)
    try:
        cache().set_many(
            {f"{prefix}:{pk}": html for pk, html in safe.items()}, timeout=settings.FRAGMENT_CACHE_SECONDS
        )
    except Exception:
        logger.exception("Could not keep fragments in the cache")


def _holds_a_token(html: str) -> bool:
    """Whether the HTML holds a form token other than the page cache's placeholder, which the
    middleware replaces with each visitor's own."""
    return "csrfmiddlewaretoken" in html.replace(_PLACEHOLDER_INPUT, "")


_PLACEHOLDER_INPUT = f'name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"'
