"""Reads of background work: the latest job about something, recent jobs, recorded failures."""

from .models import Job, TaskFailure


def latest_job(*, kind: str, subject: str) -> Job | None:
    """The most recent job of `kind` about `subject`, or None."""
    return (
        Job.objects.filter(kind=kind, subject=subject)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")
        .first()
    )


def recent_jobs(*, kind: str, subjects, limit: int = 10):
    """The latest jobs of `kind` about any of `subjects` (None: about anything), newest first."""
    jobs = Job.objects.filter(kind=kind)
    if subjects is not None:
        jobs = jobs.filter(subject__in=list(subjects))
    return jobs.select_related("requested_by").order_by("-created_at", "-pk")[:limit]


def task_failures(*, gave_up_only: bool = False):
    """Recorded failed attempts, newest first; only those that will not be retried if asked."""
    failures = TaskFailure.objects.order_by("-failed_at", "-pk")
    if gave_up_only:
        failures = failures.filter(retry_at__isnull=True)
    return failures
