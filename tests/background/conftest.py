"""Fixtures for the background tests: the real database task backend and its worker."""

import io
import socket

import pytest
from django.core.management import call_command

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings, monkeypatch):
    """Tasks go to django-tasks-db's DatabaseBackend, as in production; `run_worker()` runs its worker.

    The worker is django-tasks-db's own `db_worker` command in batch mode: it runs every task that
    is due, then stops. Between tasks it recycles database connections (close_old_connections);
    inside a test's transaction that would close the connection holding the test's data, so only
    that step is turned off here.
    """
    settings.TASKS = DATABASE_BACKEND
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run_worker() -> str:
        out = io.StringIO()
        call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0",
            "--worker-id=test-worker",
            verbosity=0,
            stdout=out,
            stderr=out,
        )
        return out.getvalue()

    return run_worker


@pytest.fixture
def smtp_down(settings):
    """An SMTP server that refuses connections: a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    return port
