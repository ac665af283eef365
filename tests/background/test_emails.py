"""Every email goes out by one background task after commit: a mail server that is down never breaks
the write that caused it, the failure is on record for staff, and only the unsent emails are tried
again, by the worker, after the backoff."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background import mail as background_mail
from background.models import TaskFailure
from catalog import notifications
from tests import factories

pytestmark = pytest.mark.django_db


class RefusingServer(LocmemBackend):
    """Stands in for an SMTP server that refuses some recipients (until told otherwise)."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            bad = [address for address in message.recipients() if address in self.refused]
            if bad:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(bad, (550, b"mailbox unavailable")))
        return super().send_messages(messages)


def email(to: str, subject: str = "Xin chào") -> EmailMessage:
    return EmailMessage(subject, "Nội dung", None, [to])


def test_emails_go_out_only_after_the_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            background_mail.send_after_commit([email("a@example.org")])
            assert mailoutbox == []

    assert [message.to for message in mailoutbox] == [["a@example.org"]]


def test_a_rolled_back_write_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):  # noqa: PT012
        with transaction.atomic():
            background_mail.send_after_commit([email("a@example.org")])
            raise RuntimeError("the write failed")

    assert mailoutbox == []


def test_html_alternatives_and_headers_survive_the_queue(mailoutbox, django_capture_on_commit_callbacks):
    message = EmailMultiAlternatives("Xác nhận", "Văn bản", "shop@example.org", ["b@example.org"])
    message.attach_alternative("<p>Văn bản</p>", "text/html")
    message.extra_headers["Reply-To"] = "hotro@example.org"

    with django_capture_on_commit_callbacks(execute=True):
        background_mail.send_after_commit([message])

    sent = mailoutbox[0]
    assert (sent.subject, sent.body, sent.from_email) == ("Xác nhận", "Văn bản", "shop@example.org")
    assert sent.alternatives == [("<p>Văn bản</p>", "text/html")]
    assert sent.extra_headers["Reply-To"] == "hotro@example.org"


def test_a_mail_server_that_is_down_does_not_break_the_write(smtp_down, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    cooperative = factories.cooperative(email="htx@example.org")
    product = factories.product(
        cooperative=cooperative,
        ocop=factories.ocop(
            issued_on=today - datetime.timedelta(days=1000), expires_on=today + datetime.timedelta(days=10)
        ),
    )
    certificate = product.ocop_certificates.get()

    with django_capture_on_commit_callbacks(execute=True):
        run = notifications.send_ocop_expiry_notices(today=today)

    assert run.notified_certificates == 1
    certificate.refresh_from_db()
    assert certificate.expiry_notice_sent_on == today  # the write stands
    # On the immediate backend every attempt runs at once, and each met the refused connection.
    failures = list(TaskFailure.objects.order_by("attempt"))
    assert [f.attempt for f in failures] == [1, 2, 3, 4, 5, 6]
    assert failures[0].task_name == "background.tasks.send_emails"
    assert "ConnectionRefusedError" in failures[0].error
    assert failures[-1].gave_up


def test_the_worker_sends_only_the_unsent_emails_again(
    settings, database_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingServer"
    RefusingServer.refused = {"full@example.org"}
    addresses = ("a@example.org", "full@example.org", "c@example.org")

    with django_capture_on_commit_callbacks(execute=True):  # queued on the database at commit
        notifications.send_after_commit(
            [notifications.Email(to=to, subject="Đơn hàng", body="…") for to in addresses]
        )
    assert mailoutbox == []
    database_tasks()

    assert sorted(message.to[0] for message in mailoutbox) == ["a@example.org", "c@example.org"]
    retry = DBTaskResult.objects.get(status="READY")
    assert [m["to"] for m in retry.args_kwargs["kwargs"]["messages"]] == [["full@example.org"]]
    failure = TaskFailure.objects.get()
    assert "1 of 3 email(s) not sent" in failure.error
    assert failure.retry_at == retry.run_after

    RefusingServer.refused = set()  # the mailbox has room again
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    database_tasks()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "a@example.org",
        "c@example.org",
        "full@example.org",
    ]
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"


def test_an_attachment_cannot_be_queued():
    message = email("a@example.org")
    message.attach("hoa-don.pdf", b"%PDF", "application/pdf")

    with pytest.raises(ValueError, match="attachments"):
        background_mail.send_after_commit([message])
