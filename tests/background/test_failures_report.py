"""The staff see failed background tasks in the admin's Reports: administrators and alliance staff
only. The failure shown here comes from the real database backend's worker."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.models import TaskFailure
from catalog import notifications
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/reports/background-tasks/"


@pytest.fixture
def failed_email(database_tasks, smtp_down, django_capture_on_commit_callbacks):
    """An email that the worker could not send: the mail server refused the connection."""
    with django_capture_on_commit_callbacks(execute=True):
        notifications.send_after_commit(
            [notifications.Email(to="htx@example.org", subject="Đơn hàng", body="…")]
        )
    database_tasks()
    return TaskFailure.objects.get()


def test_administrators_see_what_failed_when_and_what_happens_next(client, admin_user, failed_email):
    client.force_login(admin_user)

    response = client.get(REPORT_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "background · send_emails" in page
    assert "1 / 6" in page
    assert timezone.localtime(failed_email.retry_at).strftime("%d/%m/%Y %H:%M") in page
    assert "background.tasks.EmailsNotSent" in page
    assert "ConnectionRefusedError" in page
    assert "Traceback" in page  # administrators may open it


def test_alliance_staff_see_the_report_without_tracebacks(client, failed_email):
    overseer = factories.user(email="lienminh@example.org")
    factories.alliance(staff=[overseer])
    client.force_login(overseer)

    response = client.get(REPORT_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "background · send_emails" in page
    assert "<details>" not in page
    assert REPORT_URL.encode() in client.get("/admin/").content  # and find it in the Reports menu


@pytest.mark.parametrize("who", ["cooperative staff", "buyer", "anonymous"])
def test_everyone_else_is_refused(client, failed_email, who):
    if who == "cooperative staff":
        staff = factories.user(email="htx-staff@example.org")
        factories.cooperative(staff=[staff])
        client.force_login(staff)
    elif who == "buyer":
        client.force_login(factories.user(email="buyer@example.org"))

    for url in (REPORT_URL, REPORT_URL + "results/", REPORT_URL + "?export=csv"):
        response = client.get(url)
        assert response.status_code in (302, 403), (who, url)
        assert b"send_emails" not in response.content
    if who == "cooperative staff":
        assert REPORT_URL.encode() not in client.get("/admin/").content


def test_the_retry_succeeds_and_the_report_filters_what_was_not_tried_again(
    client, admin_user, failed_email, database_tasks, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    database_tasks()
    assert [message.to for message in mailoutbox] == [["htx@example.org"]]
    TaskFailure.objects.create(
        task_name="marketplace.tasks.expire_unpaid",
        attempt=1,
        attempts=1,
        error_class="builtins.RuntimeError",
    )
    client.force_login(admin_user)

    gave_up = client.get(REPORT_URL, {"outcome": "gave_up"}).content.decode()
    retried = client.get(REPORT_URL, {"outcome": "retry"}).content.decode()

    assert "expire_unpaid" in gave_up
    assert "send_emails" not in gave_up
    assert "send_emails" in retried


def test_the_report_costs_the_same_queries_for_2_or_20_failures(client, admin_user):
    def failures(n):
        TaskFailure.objects.bulk_create(
            TaskFailure(
                task_name="catalog.search.tasks.reindex_products", attempt=1, attempts=5, error_class="E"
            )
            for _ in range(n)
        )

    client.force_login(admin_user)
    client.get(REPORT_URL)
    failures(2)
    few = count_queries(client, REPORT_URL)
    failures(18)
    many = count_queries(client, REPORT_URL)

    assert many == few
