"""The background tasks of this app: sending email (background/mail.py queues them)."""

import logging

from django.core.mail import get_connection

from .mail import message_from_data
from .retry import background_task, retry_with

logger = logging.getLogger(__name__)


class EmailsNotSent(Exception):
    """Some emails of a batch could not be sent; the next attempt sends only those."""


@background_task(backoff_seconds=60, attempts=6)
def send_emails(messages: list[dict]) -> int:
    """Send the emails over one connection, each on its own; returns how many were sent.

    Those that fail are tried again (60 s later, then 2, 4, 8 and 16 minutes), and only those: the
    ones sent stay sent, so nobody receives an email twice because another one failed.
    """
    connection = get_connection()
    unsent, error = [], None
    try:
        connection.open()
    except Exception as refused:
        unsent, error = list(messages), refused
    else:
        try:
            for data in messages:
                try:
                    connection.send_messages([message_from_data(data, connection=connection)])
                except Exception as failed:
                    unsent.append(data)
                    error = failed
        finally:
            try:
                connection.close()
            except Exception:  # the emails are sent; a failed goodbye must not send them again
                logger.warning("Could not close the mail connection", exc_info=True)
    if unsent:
        logger.warning("%d of %d email(s) not sent: %s", len(unsent), len(messages), error)
        raise retry_with(
            EmailsNotSent(
                f"{len(unsent)} of {len(messages)} email(s) not sent: {type(error).__name__}: {error}"
            ),
            messages=unsent,
        ) from error
    return len(messages)
