"""Password reset from the log-in page, end to end through the emailed link."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext

from tests import factories

from .conftest import BUYER_EMAIL, link_in, log_in, logged_in_id

NEW_PASSWORD = "mat-khau-moi-2025!"


@pytest.mark.django_db
def test_the_log_in_page_links_to_password_reset(client):
    html = client.get(reverse("accounts:login")).content.decode()

    assert f'href="{reverse("account_reset_password")}"' in html


@pytest.mark.django_db
def test_a_buyer_resets_their_password_through_the_emailed_link(client, mailing):
    buyer = factories.user(email=BUYER_EMAIL)

    with mailing():
        response = client.post(
            reverse("account_reset_password"), {"email": "Chi.Lan@nhahang-sen.example.org"}
        )
    assert response["Location"] == reverse("account_reset_password_done")
    [message] = mail.outbox
    assert message.to == [BUYER_EMAIL]
    assert message.subject == "Đặt lại mật khẩu của bạn"  # asked from the Vietnamese page

    form_url = client.get(link_in(message), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD})
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    buyer.refresh_from_db()
    assert buyer.check_password(NEW_PASSWORD)
    assert log_in(client, BUYER_EMAIL, NEW_PASSWORD).status_code == 302
    assert logged_in_id(client) == str(buyer.pk)


@pytest.mark.django_db
def test_the_email_speaks_the_language_of_the_page_that_asked(client, mailing):
    factories.user(email=BUYER_EMAIL)

    with mailing():
        client.post("/en/accounts/password/reset/", {"email": BUYER_EMAIL})

    [message] = mail.outbox
    assert message.subject == "Reset your password"
    assert link_in(message).startswith("/en/accounts/password/reset/key/")


@pytest.mark.django_db
def test_a_reset_link_works_once(client, mailing):
    factories.user(email=BUYER_EMAIL)
    with mailing():
        client.post(reverse("account_reset_password"), {"email": BUYER_EMAIL})
    link = link_in(mail.outbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert response.context["token_fail"]


@pytest.mark.django_db
def test_a_weak_new_password_is_refused(client, mailing):
    buyer = factories.user(email=BUYER_EMAIL)
    with mailing():
        client.post(reverse("account_reset_password"), {"email": BUYER_EMAIL})
    form_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"password1": "123"})

    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    buyer.refresh_from_db()
    assert buyer.check_password(factories.DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_page_and_no_reset_link(client, mailing):
    with mailing():
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert response["Location"] == reverse("account_reset_password_done")
    [message] = mail.outbox
    assert message.subject == gettext("No account with this email address")
    assert "/password/reset/key/" not in message.body
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_a_300_character_email_at_reset_is_answered_like_any_unknown_address(client):
    response = client.post(reverse("account_reset_password"), {"email": "a" * 288 + "@example.org"})

    assert response["Location"] == reverse("account_reset_password_done")
