"""Match scores as background work, refreshed after commit when what they depend on changes.

A new demand, an approval, or a stated interest changes who should meet whom. The fair's
scores are recomputed once per transaction, after it commits, by a django-tasks task (at
once on the embedded default, on a worker in production). A failure is logged and never
breaks the write; organisers can refresh again from their dashboard.
"""

import logging
import threading

from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)

_pending = threading.local()


@task()
def refresh_matches(fair_id: int) -> int:
    from . import services
    from .models import FairPage

    fair = FairPage.objects.filter(pk=fair_id).first()
    if fair is None:
        return 0
    try:
        return services.fair_refresh_matches(fair=fair)
    except Exception:
        logger.exception("Could not refresh the matches of fair %s", fair_id)
        raise


def queue_match_refresh(fair_id: int) -> None:
    if not hasattr(_pending, "fair_ids"):
        _pending.fair_ids = set()
    _pending.fair_ids.add(int(fair_id))
    transaction.on_commit(_send, robust=True)


def _send() -> None:
    fair_ids = sorted(getattr(_pending, "fair_ids", ()))
    _pending.fair_ids = set()
    for fair_id in fair_ids:
        try:
            refresh_matches.enqueue(fair_id=fair_id)
        except Exception:
            logger.exception("Could not queue the match refresh of fair %s", fair_id)
