"""Background tasks that are tried again, with backoff, when they fail; every failure on record.

django-tasks 0.12 and django-tasks-db 0.13 run a task once: a failure marks its result FAILED and
nothing more happens. `@background_task(...)` makes a django-tasks task that, when an attempt
raises,

1. records the failure (`TaskFailure`; staff read them in the admin's "Failed background tasks"
   report), and
2. unless that was the last attempt, enqueues the task again with `run_after` = now +
   backoff × 2^(attempt − 1): 30 s, 60 s, 120 s, 240 s with the defaults (settings
   TASK_RETRY_ATTEMPTS = 5 attempts in all, TASK_RETRY_BACKOFF_SECONDS = 30);

then raises, so the backend marks that attempt's result failed as well.

The attempt number travels with the task as the keyword argument `retry_attempt`: `enqueue()`
adds it, the wrapper takes it off, and the task's function never sees it. A task called directly
(`task.call()`, as the cron commands do) runs once: its failure is recorded and raised, and cron
(which reads the exit status) runs it again on schedule.

On a backend that cannot defer work (`ImmediateBackend`, the embedded default of `make run`) no
worker is there to run a retry later, so the retry runs at once, in the same process.

Errors that another attempt cannot fix (`give_up_on`: ValidationError and PermissionDenied by
default) are recorded and not retried. A task may raise an error carrying `retry_kwargs` to
retry with other arguments (the email task retries only the messages not yet sent).
"""

import dataclasses
import datetime
import functools
import logging
import traceback
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.version import PY311
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task

logger = logging.getLogger(__name__)

ATTEMPT = "retry_attempt"
GIVE_UP_ON: tuple[type[BaseException], ...] = (ValidationError, PermissionDenied)
ERROR_LENGTH = 2000


@dataclass(frozen=True)
class Attempt:
    """Which attempt of a task is running: `queued` is False for a direct call, which never retries."""

    number: int
    attempts: int
    queued: bool

    @property
    def is_last(self) -> bool:
        return not self.queued or self.number >= self.attempts


_current: ContextVar[Attempt | None] = ContextVar("background_attempt", default=None)


def current_attempt() -> Attempt | None:
    """The attempt of the background task running in this context (None outside one)."""
    return _current.get()


@dataclasses.dataclass(frozen=True, slots=PY311, kw_only=True)
class RetryingTask(Task):
    """A django-tasks Task with a retry policy; `enqueue()` starts at attempt 1."""

    attempts: int | None = None  # None: settings.TASK_RETRY_ATTEMPTS
    backoff_seconds: float | None = None  # None: settings.TASK_RETRY_BACKOFF_SECONDS
    give_up_on: tuple = GIVE_UP_ON

    def enqueue(self, *args, **kwargs):
        kwargs.setdefault(ATTEMPT, 1)
        return Task.enqueue(self, *args, **kwargs)

    async def aenqueue(self, *args, **kwargs):
        kwargs.setdefault(ATTEMPT, 1)
        return await Task.aenqueue(self, *args, **kwargs)

    @property
    def max_attempts(self) -> int:
        return max(1, self.attempts if self.attempts is not None else settings.TASK_RETRY_ATTEMPTS)

    def backoff(self, attempt: int) -> datetime.timedelta:
        """How long to wait after failed attempt number `attempt` (1-based): base × 2^(attempt − 1)."""
        base = (
            self.backoff_seconds if self.backoff_seconds is not None else settings.TASK_RETRY_BACKOFF_SECONDS
        )
        return datetime.timedelta(seconds=base * 2 ** (attempt - 1))


def background_task(
    function: Callable | None = None,
    *,
    attempts: int | None = None,
    backoff_seconds: float | None = None,
    give_up_on: tuple = GIVE_UP_ON,
    priority: int = DEFAULT_TASK_PRIORITY,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
):
    """Like django-tasks' `@task()`, with retries and recorded failures (see the module docstring)."""

    def decorate(func: Callable) -> RetryingTask:
        @functools.wraps(func)
        def run(*args, **kwargs):
            number = kwargs.pop(ATTEMPT, None)
            attempt = Attempt(
                number=number or 1,
                attempts=task.max_attempts if number else 1,
                queued=number is not None,
            )
            token = _current.set(attempt)
            try:
                return func(*args, **kwargs)
            except Exception as error:
                _after_failure(task, attempt, error, args, kwargs)
                raise
            finally:
                _current.reset(token)

        task = RetryingTask(
            func=run,
            priority=priority,
            queue_name=queue_name,
            backend=backend,
            takes_context=False,
            run_after=None,
            attempts=attempts,
            backoff_seconds=backoff_seconds,
            give_up_on=tuple(give_up_on),
        )
        return task

    return decorate(function) if function is not None else decorate


def _after_failure(task: RetryingTask, attempt: Attempt, error: Exception, args, kwargs) -> None:
    retry = None
    retry_at = None
    if not attempt.is_last and not isinstance(error, task.give_up_on):
        retry_kwargs = {**kwargs, **(getattr(error, "retry_kwargs", None) or {}), ATTEMPT: attempt.number + 1}
        if task.get_backend().supports_defer:
            retry_at = timezone.now() + task.backoff(attempt.number)
            retry = task.using(run_after=retry_at)
        else:
            retry_at = timezone.now()
            retry = task
    failure = _record(task, attempt, error, retry_at)
    if retry is None:
        return
    try:
        Task.enqueue(retry, *args, **retry_kwargs)
    except Exception:
        logger.exception("Could not queue attempt %s of %s", attempt.number + 1, task.module_path)
        if failure is not None:
            type(failure).objects.filter(pk=failure.pk).update(retry_at=None)


def _record(task: RetryingTask, attempt: Attempt, error: Exception, retry_at):
    """Write the failure down; a failure to write it (the database is down) is only logged."""
    from .models import TaskFailure

    try:
        return TaskFailure.objects.create(
            task_name=task.module_path,
            backend=task.backend,
            attempt=attempt.number,
            attempts=attempt.attempts,
            retry_at=retry_at,
            error_class=f"{type(error).__module__}.{type(error).__qualname__}"[:255],
            error=_message(error)[:ERROR_LENGTH],
            traceback="".join(traceback.format_exception(error))[-20_000:],
        )
    except Exception:
        logger.exception("Could not record the failure of %s", task.module_path)
        return None


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


def retry_with(error: Exception, **kwargs: Any) -> Exception:
    """Attach the keyword arguments the next attempt should run with (instead of this one's)."""
    error.retry_kwargs = kwargs
    return error
