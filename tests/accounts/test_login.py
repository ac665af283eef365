"""Logging in and out by email through allauth, with the site's URL names."""

import pytest
from django.urls import reverse

from tests import factories

from .conftest import BUYER_EMAIL, STRONG, log_in, logged_in_id, sign_up


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", [BUYER_EMAIL, "Chi.Lan@NhaHang-Sen.Example.Org", "  CHI.LAN@NHAHANG-SEN.EXAMPLE.ORG "]
)
def test_log_in_by_email_in_any_case(client, typed):
    buyer = factories.user(email=BUYER_EMAIL, password=STRONG)

    response = log_in(client, typed, STRONG)

    assert response.status_code == 302
    assert logged_in_id(client) == str(buyer.pk)


@pytest.mark.django_db
def test_a_wrong_password_does_not_log_in(client):
    factories.user(email=BUYER_EMAIL, password=STRONG)

    response = log_in(client, BUYER_EMAIL, "sai-mat-khau")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_log_in_follows_a_safe_next_url_only(client):
    factories.user(email=BUYER_EMAIL, password=STRONG)

    response = log_in(client, BUYER_EMAIL, STRONG, url=reverse("accounts:login") + "?next=/en/")
    assert response["Location"] == "/en/"

    client.post(reverse("accounts:logout"))
    response = log_in(
        client, BUYER_EMAIL, STRONG, url=reverse("accounts:login") + "?next=https://evil.example.com/"
    )
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


@pytest.mark.django_db
def test_an_unverified_buyer_can_log_in_and_browse(client):
    sign_up(client)
    client.post(reverse("accounts:logout"))

    response = log_in(client, "CHI.LAN@nhahang-sen.example.org", STRONG)

    assert response.status_code == 302
    assert logged_in_id(client) is not None
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_log_out_is_a_post(client):
    client.force_login(factories.user())

    assert client.get(reverse("accounts:logout")).status_code == 200
    assert logged_in_id(client) is not None
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_the_english_pages_live_under_en(client):
    assert client.get("/en/accounts/login/").status_code == 200
    assert client.get("/en/accounts/password/reset/").status_code == 200
