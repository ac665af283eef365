"""What background work leaves behind for people to read.

- `Job`: a piece of work someone asked for and waits on (a fair's scheduling run, a large bank
  statement's import), with its state, its result or the reason it failed. django-tasks keeps no
  result on the immediate backend, and a person needs more than a task's status, so the apps that
  offer such work keep it here, one row per request.
- `TaskFailure`: one failed attempt of a task, whichever backend ran it, with whether and when it
  will be tried again; the staff's "Failed background tasks" report lists them.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Job(models.Model):
    """A request for background work, and how it went.

    `kind` names the work ("fairs.schedule"); `subject` what it is about ("fair:12"). At most one
    job of a kind per subject is queued or running at a time (a database constraint), so a second
    click while one runs is refused rather than doing the work twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("background job", "Queued")
        RUNNING = "running", pgettext_lazy("background job", "Running")
        DONE = "done", pgettext_lazy("background job", "Done")
        FAILED = "failed", pgettext_lazy("background job", "Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # How long the work is expected to take at most (the scheduler's time limit), for a progress bar.
    budget_seconds = models.PositiveIntegerField(null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "subject", "-created_at"], name="background_job_subject")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject"],
                condition=Q(status__in=["queued", "running"]),
                name="background_one_active_job_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def elapsed_seconds(self) -> int:
        """Seconds since it started (running) or that it took (finished); 0 before it starts."""
        if self.started_at is None:
            return 0
        end = self.finished_at or timezone.now()
        return max(0, int((end - self.started_at).total_seconds()))

    @property
    def progress_percent(self) -> int | None:
        """How much of its time budget a running job has used (capped at 99 until it finishes)."""
        if self.status == self.Status.DONE:
            return 100
        if self.status != self.Status.RUNNING or not self.budget_seconds:
            return None
        return min(99, int(100 * self.elapsed_seconds / self.budget_seconds))

    def is_stale(self, *, now: datetime.datetime | None = None) -> bool:
        """Queued and never started, or running far past its budget: its worker is gone.

        A stale job no longer blocks a new one of its kind (background.services.job_start).
        """
        now = now or timezone.now()
        grace = datetime.timedelta(minutes=settings.JOB_STALE_MINUTES)
        if self.status == self.Status.QUEUED:
            return self.created_at < now - grace
        if self.status == self.Status.RUNNING:
            started = self.started_at or self.created_at
            return started < now - grace - datetime.timedelta(seconds=self.budget_seconds or 0)
        return False


class TaskFailure(models.Model):
    """One failed attempt of a background task, and what happens next.

    `retry_at` is when the next attempt is due; empty when there is none: the task gave up after
    its last attempt, or failed in a way that trying again cannot fix, or was run directly (a
    cron command) rather than through the queue.
    """

    task_name = models.CharField(_("task"), max_length=255)
    backend = models.CharField(max_length=64, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    attempts = models.PositiveSmallIntegerField(_("attempts allowed"))
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    error_class = models.CharField(_("error"), max_length=255)
    error = models.TextField(_("error message"), blank=True)
    traceback = models.TextField(blank=True)
    failed_at = models.DateTimeField(_("failed at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed background task")
        verbose_name_plural = _("failed background tasks")
        ordering = ["-failed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.attempt}: {self.error_class}"

    @property
    def short_name(self) -> str:
        """The task's function name with its app: "marketplace.tasks.expire_unpaid" → "marketplace · expire_unpaid"."""
        parts = self.task_name.split(".")
        return f"{parts[0]} · {parts[-1]}" if len(parts) > 1 else self.task_name

    @property
    def gave_up(self) -> bool:
        return self.retry_at is None
