"""Failed background tasks are recorded and tried again with backoff, on the immediate backend of
`make run` (at once: there is no worker to wait) and on the database backend with its worker."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.models import TaskFailure
from background.retry import ATTEMPT, background_task, current_attempt

pytestmark = pytest.mark.django_db

# How many more times `flaky` fails before it succeeds, and what each attempt saw (module state:
# tasks must be module-level functions, and the worker imports them by their dotted path).
STATE = {"failures_left": 0, "seen": []}


@pytest.fixture(autouse=True)
def _fresh_state():
    STATE.update(failures_left=0, seen=[])


@background_task(attempts=3, backoff_seconds=10)
def flaky(label: str) -> str:
    attempt = current_attempt()
    STATE["seen"].append((label, attempt.number, attempt.attempts, attempt.queued))
    if STATE["failures_left"] > 0:
        STATE["failures_left"] -= 1
        raise ConnectionError(f"{label}: the service is down")
    return f"{label} done"


@background_task(attempts=3)
def refused(label: str) -> str:
    raise ValidationError(f"{label} cannot be done")


def test_the_attempt_number_never_reaches_the_function(settings):
    result = flaky.enqueue(label="a")

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "a done"
    assert result.kwargs == {"label": "a", ATTEMPT: 1}
    assert STATE["seen"] == [("a", 1, 3, True)]
    assert not TaskFailure.objects.exists()


def test_on_the_immediate_backend_a_failure_is_retried_at_once():
    STATE["failures_left"] = 2

    result = flaky.enqueue(label="b")

    assert result.status == TaskResultStatus.FAILED  # the first attempt's own result
    assert [seen[1] for seen in STATE["seen"]] == [1, 2, 3]
    failures = list(TaskFailure.objects.order_by("attempt"))
    assert [(f.attempt, f.attempts) for f in failures] == [(1, 3), (2, 3)]
    assert all(f.retry_at is not None for f in failures)
    assert failures[0].task_name == "tests.background.test_retry.flaky"
    assert failures[0].error_class == "builtins.ConnectionError"
    assert "the service is down" in failures[0].error
    assert "Traceback" in failures[0].traceback


def test_after_the_last_attempt_it_gives_up():
    STATE["failures_left"] = 5

    flaky.enqueue(label="c")

    assert len(STATE["seen"]) == 3
    last = TaskFailure.objects.get(attempt=3)
    assert last.retry_at is None
    assert last.gave_up


def test_an_error_that_another_attempt_cannot_fix_is_not_retried():
    refused.enqueue(label="d")

    failure = TaskFailure.objects.get()
    assert (failure.attempt, failure.retry_at) == (1, None)
    assert "d cannot be done" in failure.error


def test_a_direct_call_runs_once_and_records_its_failure():
    STATE["failures_left"] = 1

    with pytest.raises(ConnectionError):
        flaky.call(label="e")

    assert STATE["seen"] == [("e", 1, 1, False)]
    failure = TaskFailure.objects.get()
    assert (failure.attempt, failure.attempts, failure.retry_at) == (1, 1, None)


def test_the_backoff_doubles_from_the_base(settings):
    settings.TASK_RETRY_BACKOFF_SECONDS = 30
    assert [flaky.backoff(n).total_seconds() for n in (1, 2, 3)] == [10, 20, 40]
    assert [refused.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_the_worker_retries_after_the_backoff_and_then_succeeds(database_tasks):
    STATE["failures_left"] = 1
    before = timezone.now()

    first = flaky.enqueue(label="f")
    database_tasks()

    rows = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [row.status for row in rows] == ["FAILED", "READY"]
    assert rows[0].id == first.db_result.id
    assert "ConnectionError" in rows[0].exception_class_path
    retry = rows[1]
    assert retry.args_kwargs["kwargs"] == {"label": "f", ATTEMPT: 2}
    wait = retry.run_after - before
    assert datetime.timedelta(seconds=10) <= wait < datetime.timedelta(seconds=20)
    failure = TaskFailure.objects.get()
    assert (failure.attempt, failure.backend) == (1, "default")
    assert abs(failure.retry_at - retry.run_after) < datetime.timedelta(seconds=1)

    database_tasks()  # not due yet: the worker leaves it
    assert DBTaskResult.objects.get(pk=retry.pk).status == "READY"

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # the backoff has passed
    database_tasks()

    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"
    assert retry.return_value == "f done"
    assert [seen[1] for seen in STATE["seen"]] == [1, 2]


def test_the_worker_gives_up_after_the_last_attempt(database_tasks):
    STATE["failures_left"] = 10

    flaky.enqueue(label="g")
    for _ in range(3):
        database_tasks()
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())

    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"] * 3
    assert [(f.attempt, f.retry_at is None) for f in TaskFailure.objects.order_by("attempt")] == [
        (1, False),
        (2, False),
        (3, True),
    ]
