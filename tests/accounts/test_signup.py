"""Buyers sign up with an email address and log in with it, whatever its case."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from tests import factories

User = get_user_model()
STRONG = "mua-hang-htx-2025!"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_up(client, **overrides):
    data = {
        "email": "chi.lan@nhahang-sen.example.org",
        "full_name": "Nguyễn Thị Lan",
        "organisation": "Nhà hàng Sen",
        "phone": "0912345678",
        "password": STRONG,
        **overrides,
    }
    return client.post(reverse("accounts:signup"), data)


def logged_in_user(client):
    return client.get("/").wsgi_request.user


@pytest.mark.django_db
def test_the_sign_up_form_renders(client):
    response = client.get(reverse("accounts:signup"))

    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


@pytest.mark.django_db
def test_sign_up_creates_a_buyer_and_logs_them_in(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, email="Chi.Lan@NhaHang-Sen.example.org")

    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "chi.lan@nhahang-sen.example.org"
    assert (user.first_name, user.last_name) == ("Nguyễn Thị", "Lan")
    assert user.organisation == "Nhà hàng Sen"
    assert user.phone == "0912345678"
    assert not user.is_staff
    assert not user.is_superuser
    assert user.check_password(STRONG)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert [m.to for m in mailoutbox] == [["chi.lan@nhahang-sen.example.org"]]


@pytest.mark.django_db
def test_a_logged_in_buyer_is_sent_away_from_the_sign_up_form(client):
    client.force_login(factories.user())

    assert client.get(reverse("accounts:signup")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email",
    [
        "chi.lan@nhahang-sen.example.org",
        "CHI.LAN@nhahang-sen.example.org",
        " chi.lan@nhahang-sen.example.org ",
    ],
)
def test_an_email_already_registered_is_refused_with_a_message(client, email):
    factories.user(email="chi.lan@nhahang-sen.example.org")

    response = sign_up(client, email=email)

    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    message = response.context["form"].errors["email"][0]
    assert escape(message) in response.content.decode()  # shown to the buyer
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        pytest.param("123", id="too-short"),
        pytest.param("12345678901", id="numeric"),
        pytest.param("password123", id="common"),
        pytest.param("chi.lan@nhahang-sen.example.org", id="the-email"),
        pytest.param("Nguyễn Thị Lan", id="the-name"),
    ],
)
def test_a_weak_password_is_refused(client, password):
    response = sign_up(client, password=password)

    assert response.status_code == 400
    assert "password" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["email", "full_name", "password"])
def test_required_fields(client, missing):
    response = sign_up(client, **{missing: ""})

    assert response.status_code == 400
    assert missing in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "chi.lan@nhahang-sen.example.org",
        "Chi.Lan@NhaHang-Sen.Example.Org",
        "  CHI.LAN@NHAHANG-SEN.EXAMPLE.ORG ",
    ],
)
def test_log_in_by_email_in_any_case(client, typed):
    buyer = factories.user(email="chi.lan@nhahang-sen.example.org", password=STRONG)

    response = client.post(reverse("accounts:login"), {"username": typed, "password": STRONG})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == buyer.pk


@pytest.mark.django_db
def test_a_wrong_password_does_not_log_in(client):
    factories.user(email="chi.lan@nhahang-sen.example.org", password=STRONG)

    response = client.post(
        reverse("accounts:login"), {"username": "chi.lan@nhahang-sen.example.org", "password": "sai-mat-khau"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_log_in_follows_a_safe_next_url_only(client):
    factories.user(email="chi.lan@nhahang-sen.example.org", password=STRONG)
    credentials = {"username": "chi.lan@nhahang-sen.example.org", "password": STRONG}

    response = client.post(reverse("accounts:login") + "?next=/en/", credentials)
    assert response["Location"] == "/en/"

    client.logout()
    response = client.post(reverse("accounts:login") + "?next=https://evil.example.com/", credentials)
    assert "evil.example.com" not in response["Location"]


@pytest.mark.django_db
def test_a_new_account_can_log_in_afterwards(client):
    sign_up(client)
    client.logout()

    response = client.post(
        reverse("accounts:login"), {"username": "CHI.LAN@nhahang-sen.example.org", "password": STRONG}
    )

    assert response.status_code == 302
    assert logged_in_user(client).email == "chi.lan@nhahang-sen.example.org"
