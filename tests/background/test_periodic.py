"""The periodic jobs: one list with their schedules, commands that cron or a systemd timer run (and that
exit non-zero on failure), `--enqueue` to hand the work to the worker, and deploy/ examples kept
equal to the list."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from background.commands import TaskCommand
from background.management.commands.periodic_jobs import crontab, systemd_units
from background.models import TaskFailure
from background.periodic import PERIODIC_JOBS
from background.retry import RetryingTask

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def output(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_the_three_periodic_jobs_are_listed_with_their_schedules():
    assert [job.command for job in PERIODIC_JOBS] == [
        "expire_unpaid_orders",
        "expire_rfqs",
        "ocop_expiry_notices",
    ]
    listed = output("periodic_jobs")
    for job in PERIODIC_JOBS:
        assert job.command in listed
        assert job.cron in listed


@pytest.mark.parametrize("job", PERIODIC_JOBS, ids=lambda job: job.command)
def test_each_job_is_a_task_command_for_its_task(job):
    command = load_command_class(get_commands()[job.command], job.command)

    assert isinstance(command, TaskCommand)
    assert isinstance(import_string(job.task), RetryingTask)
    assert command.task.module_path == job.task


def test_the_deploy_examples_are_what_the_command_writes(tmp_path):
    assert (DEPLOY / "crontab").read_text(encoding="utf-8") == crontab(project_dir="/srv/coop", enqueue=False)
    units = systemd_units(project_dir="/srv/coop", user="coop", enqueue=False)
    for name, content in units.items():
        assert (DEPLOY / "systemd" / name).read_text(encoding="utf-8") == content, name
    written = output("periodic_jobs", "--systemd", str(tmp_path), "--enqueue")
    assert len(written.split()) == len(units) == 2 * len(PERIODIC_JOBS)
    assert "expire_unpaid_orders --enqueue" in (tmp_path / "coop-expire-unpaid-orders.service").read_text()
    assert "OnCalendar=*:0/5" in (tmp_path / "coop-expire-unpaid-orders.timer").read_text()


def test_writing_units_into_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(CommandError, match="not a directory"):
        call_command("periodic_jobs", "--systemd", str(tmp_path / "missing"))


@pytest.mark.django_db
def test_each_job_runs_now_from_its_command():
    assert output("expire_unpaid_orders").strip() == "expired 0, carts deleted 0"
    assert output("expire_rfqs").strip() == "RFQs closed 0, quotes expired 0"
    assert "0 certificate(s) expiring" in output("ocop_expiry_notices")


@pytest.mark.django_db
@pytest.mark.parametrize("job", PERIODIC_JOBS, ids=lambda job: job.command)
def test_enqueue_hands_the_job_to_the_worker(job, database_tasks):
    printed = output(job.command, "--enqueue")

    queued = DBTaskResult.objects.get()
    assert printed.strip() == f"queued {queued.id}"
    assert queued.task_path == job.task
    database_tasks()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db
def test_a_failing_job_exits_non_zero_and_is_on_record(monkeypatch):
    def broken():
        raise RuntimeError("database is read-only")

    monkeypatch.setattr("marketplace.services.payments.expire_unpaid_orders", broken)

    with pytest.raises(CommandError, match="expire_unpaid failed: database is read-only") as caught:
        call_command("expire_unpaid_orders", stdout=io.StringIO())

    assert caught.value.returncode == 1
    failure = TaskFailure.objects.get()
    assert (failure.task_name, failure.attempt, failure.attempts) == ("marketplace.tasks.expire_unpaid", 1, 1)
    assert failure.retry_at is None  # cron runs it again on schedule


@pytest.mark.django_db
def test_a_dry_run_cannot_be_queued():
    with pytest.raises(CommandError, match="dry-run"):
        call_command("ocop_expiry_notices", "--dry-run", "--enqueue")
