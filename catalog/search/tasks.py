"""Index updates as background work, queued after commit (docs/architecture.md).

Ids queued during one transaction are collected and go out as one task when it
commits (one for the products, one per kind of entry), so publishing a page (which
saves it several times) reindexes it once.
On the embedded default the task runs at once; with a worker it runs there. A
failure is logged and retried with backoff (background/retry.py); it never breaks the
save, and `rebuild_search_index` repairs whatever was still missed.
"""

import logging
import threading
from collections.abc import Iterable

from django.db import transaction

from background.retry import background_task

logger = logging.getLogger(__name__)

_pending = threading.local()


@background_task
def reindex_products(product_ids: list[int]) -> int:
    from catalog import page_cache
    from catalog.search import index_products

    try:
        indexed = index_products(product_ids)
    except Exception:
        logger.exception("Could not reindex products %s", product_ids[:20])
        raise
    # Search pages cached before the index caught up (a worker may run this well after the write's
    # own commit) showed the listings as they were.
    page_cache.invalidate()
    return indexed


@background_task
def reindex_entries(kind: str, keys: list[int]) -> int:
    from catalog.search import index_entries

    try:
        return index_entries(kind, keys)
    except Exception:
        logger.exception("Could not reindex %s entries %s", kind, keys[:20])
        raise


def queue(product_ids: Iterable[int]) -> None:
    ids = {int(i) for i in product_ids}
    if not ids:
        return
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    _pending.ids |= ids
    transaction.on_commit(_send, robust=True)


def queue_entries(kind: str, keys: Iterable[int]) -> None:
    keys = {int(k) for k in keys}
    if not keys:
        return
    if not hasattr(_pending, "entries"):
        _pending.entries = {}
    _pending.entries.setdefault(kind, set()).update(keys)
    transaction.on_commit(_send, robust=True)


def _send() -> None:
    # Every queue() registers this; the first to run after a commit sends all ids, the rest none.
    ids = sorted(getattr(_pending, "ids", ()))
    entries = getattr(_pending, "entries", {})
    _pending.ids, _pending.entries = set(), {}
    if ids:
        try:
            reindex_products.enqueue(product_ids=ids)
        except Exception:
            logger.exception("Could not queue the reindexing of %d products", len(ids))
    for kind, keys in sorted(entries.items()):
        try:
            reindex_entries.enqueue(kind=kind, keys=sorted(keys))
        except Exception:
            logger.exception("Could not queue the reindexing of %d %s entries", len(keys), kind)
