"""Writes for the jobs people wait on: ask for one, run it in a task, finish it.

An app offers background work in two steps:

- a service calls `job_start(...)` in its transaction. It refuses a second job of the same kind
  and subject while one is queued or running (`JobAlreadyActive`), and enqueues the app's task
  after commit, so a rolled-back request queues nothing;
- that task calls `run_job(job_id, work)`, which marks the job running, calls `work(job)`, and
  stores what it returned as the job's result. A ValidationError or PermissionDenied from the
  work is the reason shown to the person who asked: the job fails and is not retried. Any other
  error is retried as the task's policy says (background/retry.py), and the job shows "queued"
  again until its last attempt fails.
"""

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job
from .retry import current_attempt

logger = logging.getLogger(__name__)


class JobAlreadyActive(Exception):
    """A job of this kind and subject is already queued or running."""

    def __init__(self, job: Job):
        super().__init__(f"{job.kind} {job.subject} is already {job.status}")
        self.job = job


@transaction.atomic
def job_start(
    *,
    kind: str,
    subject: str,
    task,
    requested_by=None,
    params: dict | None = None,
    budget_seconds: int | None = None,
) -> Job:
    """Record a job and enqueue `task(job_id=...)` once the transaction commits.

    A job of the same kind and subject that is queued or running refuses the new one
    (`JobAlreadyActive`), unless it is stale (its worker is gone): then it is marked failed.
    """
    now = timezone.now()
    for active in Job.objects.select_for_update().filter(kind=kind, subject=subject, status__in=Job.ACTIVE):
        if not active.is_stale(now=now):
            raise JobAlreadyActive(active)
        Job.objects.filter(pk=active.pk).update(
            status=Job.Status.FAILED,
            finished_at=now,
            error=_("It did not finish: the background worker stopped or never started it."),
        )
    job = Job(
        kind=kind,
        subject=subject,
        requested_by=requested_by,
        params=params or {},
        budget_seconds=budget_seconds,
        created_at=now,
    )
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        # Another request started one between our check and our insert.
        raise JobAlreadyActive(Job.objects.filter(kind=kind, subject=subject).first() or job) from None
    transaction.on_commit(lambda: _enqueue(task, job.pk))
    return job


def _enqueue(task, job_id: int) -> None:
    try:
        task.enqueue(job_id=job_id)
    except Exception as error:
        logger.exception("Could not queue job %s", job_id)
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            error=_("It could not be queued (%(error)s). Try again later.") % {"error": type(error).__name__},
        )


def run_job(job_id: int, work: Callable[[Job], dict]) -> dict:
    """Run `work(job)` for a queued job and store its outcome (see the module docstring).

    A job that is not queued (finished, or marked stale meanwhile) is left alone.
    """
    attempt = current_attempt()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        attempt=attempt.number if attempt else 1,
    )
    if not claimed:
        return {"skipped": job_id}
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    try:
        result = work(job)
    except (ValidationError, PermissionDenied) as error:
        reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        _finish(job, Job.Status.FAILED, error=reason)
        return {"failed": reason}
    except Exception as error:
        if attempt is not None and not attempt.is_last:
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.QUEUED,
                error=_("Attempt %(number)s failed (%(error)s); it will be tried again.")
                % {"number": attempt.number, "error": type(error).__name__},
            )
        else:
            _finish(
                job,
                Job.Status.FAILED,
                error=_(
                    "It stopped on an unexpected error (%(error)s). The site's staff can see it among the failed background tasks."
                )
                % {"error": type(error).__name__},
            )
        raise
    _finish(job, Job.Status.DONE, result=result or {})
    return result


def _finish(job: Job, status: str, *, result: dict | None = None, error: str = "") -> None:
    job.status, job.finished_at, job.error = status, timezone.now(), error
    if result is not None:
        job.result = result
    job.save(update_fields=["status", "finished_at", "error", "result"])
