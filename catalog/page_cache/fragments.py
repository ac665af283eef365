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

import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from . import CSRF_PLACEHOLDER, cache, fragments_enabled, generation

logger = logging.getLogger(__name__)

enabled = fragments_enabled


def prefix(request, name: str) -> str | None:
    """The key prefix for `name` fragments on this request, read before their data; None when the
    cache cannot be reached."""
    try:
        current = generation()
    except Exception:
        logger.exception("Could not read the page cache's generation: fragments are drawn uncached")
        return None
    return (
        f"fragment:{name}:{current}:{timezone.localdate().isoformat()}:{get_language()}:{request.get_host()}"
    )


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
