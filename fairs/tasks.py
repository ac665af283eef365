"""Match scores as background work, refreshed after commit when what they depend on changes.

A new demand, an approval, or a stated interest changes who should meet whom. The fair's
scores are recomputed once per transaction, after it commits, by a django-tasks task (at
once on the embedded default, on a worker in production). A failure is logged, retried with
backoff (background/retry.py) and never breaks the write; organisers can refresh again from their
dashboard.
"""

import logging
import threading

from django.db import transaction

from background.retry import background_task

logger = logging.getLogger(__name__)

_pending = threading.local()


@background_task
def refresh_matches(fair_id: int, demand_ids: list[int] | None = None) -> int:
    from . import services
    from .models import FairPage

    fair = FairPage.objects.filter(pk=fair_id).first()
    if fair is None:
        return 0
    try:
        return services.fair_refresh_matches(fair=fair, demand_ids=demand_ids)
    except Exception:
        logger.exception("Could not refresh the matches of fair %s", fair_id)
        raise


def queue_match_refresh(fair_id: int, *, demand_id: int | None = None) -> None:
    """Rescore the fair after commit: only the new demand's pairs, or (no demand) all of them."""
    if not hasattr(_pending, "fairs"):
        _pending.fairs = {}
    demands = _pending.fairs.setdefault(int(fair_id), set())
    if demand_id is None or demands is None:
        _pending.fairs[int(fair_id)] = None
    else:
        demands.add(int(demand_id))
    transaction.on_commit(_send, robust=True)


def _send() -> None:
    pending = getattr(_pending, "fairs", {})
    _pending.fairs = {}
    for fair_id, demand_ids in sorted(pending.items()):
        try:
            refresh_matches.enqueue(
                fair_id=fair_id, demand_ids=None if demand_ids is None else sorted(demand_ids)
            )
        except Exception:
            logger.exception("Could not queue the match refresh of fair %s", fair_id)


@background_task(attempts=2)
def schedule_fair(job_id: int) -> dict:
    """A requested scheduling run (fairs.services.fair_schedule_request), as a background job.

    Up to the run's time limit of solving; an unexpected error is tried once more, a refusal
    (pins that changed meanwhile, a fair moved back to open) is shown to the organisers.
    """
    from background.services import run_job

    from . import services

    return run_job(job_id, services.fair_schedule_job)
