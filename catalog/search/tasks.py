"""Index updates as background work, queued after commit (docs/architecture.md).

Ids queued during one transaction are collected and go out as one task when it
commits, so publishing a page (which saves it several times) reindexes it once.
On the embedded default the task runs at once; with a worker it runs there. A
failure is logged; it never breaks the save, and `rebuild_search_index` repairs
whatever was missed.
"""

import logging
import threading
from collections.abc import Iterable

from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)

_pending = threading.local()


@task()
def reindex_products(product_ids: list[int]) -> int:
    from catalog.search import index_products

    try:
        return index_products(product_ids)
    except Exception:
        logger.exception("Could not reindex products %s", product_ids[:20])
        raise


def queue(product_ids: Iterable[int]) -> None:
    ids = {int(i) for i in product_ids}
    if not ids:
        return
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    _pending.ids |= ids
    transaction.on_commit(_send, robust=True)


def _send() -> None:
    # Every queue() registers this; the first to run after a commit sends all ids, the rest none.
    ids = sorted(getattr(_pending, "ids", ()))
    _pending.ids = set()
    if not ids:
        return
    try:
        reindex_products.enqueue(product_ids=ids)
    except Exception:
        logger.exception("Could not queue the reindexing of %d products", len(ids))
