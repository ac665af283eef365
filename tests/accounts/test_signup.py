"""Buyers sign up with an email address; sign-up never says whether an address already has an account."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext

from accounts.permissions import has_verified_email
from tests import factories

from .conftest import BUYER_EMAIL, STRONG, link_in, logged_in_id, sign_up

User = get_user_model()


@pytest.mark.django_db
def test_the_sign_up_form_asks_for_the_buyer_profile(client):
    response = client.get(reverse("accounts:signup"))

    html = response.content.decode()
    assert response.status_code == 200
    for name in ("email", "full_name", "organisation", "phone", "password1"):
        assert f'name="{name}"' in html
    assert 'name="password2"' not in html


@pytest.mark.django_db
def test_sign_up_creates_an_unverified_buyer_and_sends_the_welcome_with_a_confirmation_link(client, mailing):
    with mailing():
        response = sign_up(client, email="Chi.Lan@NhaHang-Sen.example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == BUYER_EMAIL
    assert (user.first_name, user.last_name) == ("Nguyễn Thị", "Lan")
    assert user.organisation == "Nhà hàng Sen"
    assert user.phone == "0912345678"
    assert not user.is_staff
    assert not user.is_superuser
    assert user.check_password(STRONG)
    assert not has_verified_email(user)
    [welcome] = mail.outbox
    assert welcome.to == [BUYER_EMAIL]
    assert welcome.subject == "Chào mừng bạn đến với Sàn Hợp tác xã"
    assert link_in(welcome).startswith("/accounts/confirm-email/")


@pytest.mark.django_db
def test_following_the_link_confirms_the_address_and_logs_the_buyer_in(client, mailing):
    with mailing():
        sign_up(client)
    link = link_in(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert BUYER_EMAIL in page.content.decode()
    response = client.post(link)

    user = User.objects.get()
    assert response.status_code == 302
    assert has_verified_email(user)
    assert logged_in_id(client) == str(user.pk)


@pytest.mark.django_db
def test_a_forged_confirmation_link_confirms_nothing(client):
    sign_up(client)

    response = client.post("/accounts/confirm-email/not-a-real-key/")

    assert response.status_code == 404
    assert not has_verified_email(User.objects.get())


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [BUYER_EMAIL, "CHI.LAN@nhahang-sen.example.org", f" {BUYER_EMAIL} "])
def test_signing_up_with_a_taken_address_looks_the_same_and_emails_its_owner(client, mailing, typed):
    owner = factories.user(email=BUYER_EMAIL)
    fresh = sign_up(client.__class__(), email="someone.new@example.org")

    with mailing():
        response = sign_up(client, email=typed)

    assert (response.status_code, response["Location"]) == (fresh.status_code, fresh["Location"])
    page = client.get(response["Location"]).content.decode()
    assert "someone.new" not in page
    assert User.objects.filter(email__iexact=BUYER_EMAIL).get() == owner
    assert logged_in_id(client) is None
    [notice] = mail.outbox
    assert notice.to == [BUYER_EMAIL]
    assert notice.subject == gettext("Someone tried to sign up with your email address")
    assert link_in(notice) == reverse("account_reset_password")
    assert owner.check_password(factories.DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_a_300_character_email_is_a_form_error(client):
    email = "a" * 288 + "@example.org"

    response = sign_up(client, email=email)

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_logged_in_buyer_is_sent_away_from_the_sign_up_form(client):
    client.force_login(factories.user())

    assert client.get(reverse("accounts:signup")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        pytest.param("123", id="too-short"),
        pytest.param("12345678901", id="numeric"),
        pytest.param("password123", id="common"),
        pytest.param(BUYER_EMAIL, id="the-email"),
        pytest.param("Nguyễn Thị Lan", id="the-name"),
    ],
)
def test_a_weak_password_is_refused(client, password):
    response = sign_up(client, password1=password)

    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["email", "full_name", "password1"])
def test_required_fields(client, missing):
    response = sign_up(client, **{missing: ""})

    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert not User.objects.exists()
