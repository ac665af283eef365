"""The scheduler as a background job: the organiser's request queues it and returns; the dashboard and
the scheduler page show it queued, running, done with its figures or failed with the reason, and
refresh themselves meanwhile; a second request while one runs is refused; a run whose worker died
no longer blocks a new one; an unexpected error is tried again."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from background.models import Job, TaskFailure
from fairs import services
from fairs.models import FairPage, Meeting
from fairs.selectors.organiser import SCHEDULE_JOB
from tests import factories
from tests.factories import fairs as fair_factories

pytestmark = pytest.mark.django_db

REFRESH = '<meta http-equiv="refresh"'


@pytest.fixture
def meetings(fair, organiser):
    """Two buyers and two cooperatives, every pair to meet; the fair is being scheduled."""
    buyers = [fair_factories.buyer_participant(fair, approve_by=organiser) for _ in range(2)]
    suppliers = [fair_factories.cooperative_participant(fair, approve_by=organiser) for _ in range(2)]
    made = [
        services.meeting_create(fair=fair, participants=[b, s], user=organiser)
        for b in buyers
        for s in suppliers
    ]
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    return made


def schedule_url(fair):
    return reverse("fairs:schedule_run", args=[fair.pk])


def dashboard_url(fair):
    return reverse("fairs:organise", args=[fair.pk])


def test_the_request_queues_the_run_and_returns_before_it_runs(
    client, fair, organiser, meetings, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(schedule_url(fair), {"time_limit": 1})

    assert response.status_code == 302
    job = Job.objects.get(kind=SCHEDULE_JOB)
    assert (job.status, job.requested_by, job.budget_seconds) == ("queued", organiser, 1)
    assert len(queued) == 1  # the task goes out only once the request's transaction commits
    assert not Meeting.objects.exclude(slot_key="").exists()
    for page in (schedule_url(fair), dashboard_url(fair)):
        shown = client.get(page).content.decode()
        assert REFRESH in shown
        assert "org-job--queued" in shown


def test_a_finished_run_shows_its_figures_and_stops_refreshing(
    client, fair, organiser, meetings, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(schedule_url(fair), {"time_limit": 1})

    job = Job.objects.get(kind=SCHEDULE_JOB)
    assert job.status == "done"
    assert job.result["scheduled"] == 4
    assert all(m.slot_key for m in Meeting.objects.filter(fair=fair))
    dashboard = client.get(dashboard_url(fair)).content.decode()
    assert "org-job--done" in dashboard
    assert REFRESH not in dashboard
    page = client.get(schedule_url(fair))
    assert page.context["outcome"]["scheduled"] == 4
    assert REFRESH not in page.content.decode()


def test_a_second_request_while_one_runs_is_refused(client, fair, organiser, meetings):
    client.force_login(organiser)
    client.post(schedule_url(fair), {"time_limit": 1})  # queued: its task never runs in this test

    again = client.post(schedule_url(fair), {"time_limit": 1})

    assert again.status_code == 400
    assert "đang chạy" in " ".join(again.context["form"].non_field_errors())  # "already running"
    assert Job.objects.filter(kind=SCHEDULE_JOB).count() == 1


def test_a_running_job_shows_its_progress(client, fair, organiser, meetings):
    client.force_login(organiser)
    client.post(schedule_url(fair), {"time_limit": 10})
    Job.objects.update(status="running", started_at=timezone.now() - datetime.timedelta(seconds=4))

    shown = client.get(dashboard_url(fair)).content.decode()

    assert '<progress class="org-job__progress" max="100" value="40"' in shown
    assert REFRESH in shown


def test_a_run_refused_in_the_worker_shows_the_reason_and_changes_nothing(
    client, fair, organiser, meetings, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(schedule_url(fair), {"time_limit": 1})
    # Before the worker gets to it, the fair goes back to taking requests.
    services.fair_set_status(fair=fair, status=FairPage.Status.OPEN, user=organiser)

    for callback in queued:
        callback()

    job = Job.objects.get(kind=SCHEDULE_JOB)
    assert job.status == "failed"
    assert job.error
    assert not Meeting.objects.exclude(slot_key="").exists()
    shown = client.get(dashboard_url(fair)).content.decode()
    assert "org-job--failed" in shown
    assert job.error in shown
    assert not TaskFailure.objects.exists()  # a refusal is the organiser's to read, not a fault


def test_an_unexpected_error_is_tried_again(
    client, fair, organiser, meetings, monkeypatch, django_capture_on_commit_callbacks
):
    from fairs.services import scheduling

    real_solve = scheduling.solve
    calls = []

    def crashing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("solver crashed")
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(scheduling, "solve", crashing_once)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(schedule_url(fair), {"time_limit": 1})

    job = Job.objects.get(kind=SCHEDULE_JOB)
    assert (job.status, job.attempt) == ("done", 2)
    failure = TaskFailure.objects.get()
    assert failure.task_name == "fairs.tasks.schedule_fair"
    assert (failure.attempt, failure.attempts) == (1, 2)
    assert "solver crashed" in failure.error


def test_a_stale_run_does_not_block_a_new_one(client, fair, organiser, meetings):
    client.force_login(organiser)
    client.post(schedule_url(fair), {"time_limit": 1})
    Job.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    shown = client.get(schedule_url(fair)).content.decode()
    assert "bộ xử lý nền có thể đã dừng" in shown  # "the background worker may be stopped"

    again = client.post(schedule_url(fair), {"time_limit": 1})

    assert again.status_code == 302
    assert list(Job.objects.order_by("pk").values_list("status", flat=True)) == ["failed", "queued"]


@pytest.mark.parametrize("who", ["another_alliance", "cooperative", "buyer", "anonymous"])
def test_only_the_fairs_organisers_can_start_the_scheduler(client, fair, meetings, who):
    if who == "another_alliance":
        staff = factories.user(email="lienminh-hcm@example.org")
        factories.alliance(provinces=("79",), staff=[staff])
        client.force_login(staff)
    elif who == "cooperative":
        staff = factories.user(email="htx@example.org")
        factories.cooperative(staff=[staff])
        client.force_login(staff)
    elif who == "buyer":
        client.force_login(factories.user(email="another-buyer@example.org"))

    response = client.post(schedule_url(fair), {"time_limit": 1})

    assert response.status_code == (302 if who == "anonymous" else 403)
    if who == "anonymous":
        assert reverse("accounts:login") in response["Location"]
    assert not Job.objects.exists()


def test_on_the_database_backend_the_worker_runs_the_queued_run(
    client, fair, organiser, meetings, database_tasks, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):  # the commit queues it on the database
        response = client.post(schedule_url(fair), {"time_limit": 1})

    assert response.status_code == 302
    assert DBTaskResult.objects.get().task_path == "fairs.tasks.schedule_fair"
    assert "org-job--queued" in client.get(dashboard_url(fair)).content.decode()
    assert not Meeting.objects.exclude(slot_key="").exists()

    database_tasks()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    job = Job.objects.get(kind=SCHEDULE_JOB)
    assert (job.status, job.result["scheduled"]) == ("done", 4)
    assert all(m.slot_key and m.table for m in Meeting.objects.filter(fair=fair))
    shown = client.get(dashboard_url(fair)).content.decode()
    assert "org-job--done" in shown
    assert REFRESH not in shown
