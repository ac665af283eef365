"""Helpers for the account tests: signing up through the real form and reading the emails sent."""

import re

import pytest
from django.urls import reverse

STRONG = "mua-hang-htx-2025!"
BUYER_EMAIL = "chi.lan@nhahang-sen.example.org"


def sign_up(client, **overrides):
    data = {
        "email": BUYER_EMAIL,
        "full_name": "Nguyễn Thị Lan",
        "organisation": "Nhà hàng Sen",
        "phone": "0912345678",
        "password1": STRONG,
        **overrides,
    }
    return client.post(reverse("accounts:signup"), data)


def log_in(client, email, password, url=None):
    return client.post(url or reverse("accounts:login"), {"login": email, "password": password})


def link_in(message) -> str:
    """The one link into the site in an email's body, as a path the test client can follow."""
    links = re.findall(r"http://testserver(/\S+)", message.body)
    assert len(links) == 1, message.body
    return links[0]


def logged_in_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def mailing(django_capture_on_commit_callbacks):
    """Account emails go out after commit, which never comes inside a test's transaction:
    `with mailing(): ...` sends the ones queued by the requests inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
