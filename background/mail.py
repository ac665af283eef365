"""Email through the background: every email the platform sends goes out by one task.

`send_after_commit(messages)` takes Django EmailMessages (or EmailMultiAlternatives, as allauth
renders them), turns them into plain data and, once the transaction commits, enqueues
`background.tasks.send_emails` with them. So a rolled-back write sends nothing, a mail server that
is down never breaks the write that caused the email, and the task retries the emails it could
not send (docs/tasks.md). Attachments are not supported: no email of the platform has one.
"""

import logging
from collections.abc import Iterable

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

logger = logging.getLogger(__name__)


def message_to_data(message: EmailMessage) -> dict:
    """The email as JSON-ready data for the task queue."""
    if message.attachments:
        raise ValueError("Emails with attachments cannot go through the background task.")
    data = {
        "subject": str(message.subject),
        "body": str(message.body),
        "to": [str(address) for address in message.to],
    }
    optional = {
        "from_email": message.from_email,
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "content_subtype": message.content_subtype if message.content_subtype != "plain" else None,
    }
    data.update({key: value for key, value in optional.items() if value})
    return data


def message_from_data(data: dict, *, connection=None) -> EmailMessage:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data.get("from_email"),
        to=data["to"],
        cc=data.get("cc"),
        bcc=data.get("bcc"),
        reply_to=data.get("reply_to"),
        headers=data.get("headers"),
        connection=connection,
    )
    for content, mimetype in data.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    if data.get("content_subtype"):
        message.content_subtype = data["content_subtype"]
    return message


def send_after_commit(messages: Iterable[EmailMessage]) -> None:
    """Send the emails by the background task once the current transaction commits (at once outside one)."""
    data = [message_to_data(message) for message in messages if message.recipients()]
    if data:
        transaction.on_commit(lambda: _enqueue(data), robust=True)


def _enqueue(data: list[dict]) -> None:
    from .tasks import send_emails

    try:
        send_emails.enqueue(messages=data)
    except Exception:
        logger.exception("Could not queue %d email(s) to %s", len(data), data[0]["to"])
