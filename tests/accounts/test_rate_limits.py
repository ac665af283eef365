"""A storm of wrong passwords locks the address out, even for the right password, on the site's
log-in and on the admin's, which goes through the same one."""

import pytest
from django.urls import reverse

from tests import factories

from .conftest import log_in, logged_in_id

PASSWORD = "dung-mat-khau-2025!"


def _storm(client, email, url=None, times=30):
    for n in range(times):
        log_in(client, email, f"wrong-{n}", url=url)


def _refused(response) -> bool:
    if response.status_code == 429:
        return True
    return response.status_code == 200 and bool(response.context["form"].errors)


@pytest.mark.django_db
def test_thirty_wrong_passwords_then_the_right_one_is_refused(client):
    factories.user(email="mua@example.org", password=PASSWORD)

    _storm(client, "mua@example.org")
    response = log_in(client, "mua@example.org", PASSWORD)

    assert _refused(response)
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_a_few_wrong_passwords_do_not_lock_the_buyer_out(client):
    buyer = factories.user(email="mua@example.org", password=PASSWORD)

    _storm(client, "mua@example.org", times=3)
    response = log_in(client, "mua@example.org", PASSWORD)

    assert response.status_code == 302
    assert logged_in_id(client) == str(buyer.pk)


@pytest.mark.django_db
def test_the_admin_sends_people_to_the_site_log_in(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/admin/"


@pytest.mark.django_db
def test_wagtails_own_log_in_form_cannot_be_posted_to(client, admin_user):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.email, "password": factories.DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/admin/"
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_the_admin_log_in_refuses_a_password_storm(client):
    factories.superuser(email="admin@example.org", password=PASSWORD)
    admin_login = client.get("/admin/")["Location"]

    _storm(client, "admin@example.org", url=admin_login)
    response = log_in(client, "admin@example.org", PASSWORD, url=admin_login)

    assert _refused(response)
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_the_admin_log_in_lets_an_administrator_in(client):
    factories.superuser(email="admin@example.org", password=PASSWORD)
    admin_login = client.get("/admin/")["Location"]

    response = log_in(client, "admin@example.org", PASSWORD, url=admin_login)

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_logged_in_buyer_who_opens_the_admin_is_asked_for_another_account_not_looped(client):
    buyer = factories.user(email="mua@example.org")
    client.force_login(buyer)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("accounts:login") + "?next=/admin/", 302)]
    assert "mua@example.org" in response.content.decode()
    assert 'name="login"' in response.content.decode()
