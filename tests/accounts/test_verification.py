"""Unverified buyers can browse, but cannot register for fairs or ask for meetings: the services
refuse them, and the pages explain with a button that sends the confirmation email again."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.permissions import has_verified_email
from accounts.services import email_mark_verified
from fairs import services
from fairs.models import MeetingRequest, Participant
from tests import factories
from tests.factories import fairs as fair_factories

from .conftest import link_in

pytestmark = pytest.mark.django_db


def unverify(user):
    EmailAddress.objects.filter(user=user).update(verified=False)


def buyer_registration():
    return services.RegistrationData(
        name="Siêu thị Xanh", buyer_kind="supermarket", province=None, country="JP"
    )


# --- the permission and the service that grants it --------------------------------------------


def test_who_counts_as_verified():
    from django.contrib.auth.models import AnonymousUser

    fresh = factories.user(verified=False)
    assert not has_verified_email(fresh)
    assert not has_verified_email(AnonymousUser())
    assert has_verified_email(factories.user())
    # Superusers come from the command line, not the sign-up form.
    assert has_verified_email(factories.get_user_model().objects.create_superuser(email="root@example.org"))


def test_email_mark_verified_makes_the_address_primary_and_verified_once():
    user = factories.user(verified=False)
    EmailAddress.objects.create(user=user, email="old@example.org", primary=True, verified=True)

    email_mark_verified(user=user)
    email_mark_verified(user=user)

    address = EmailAddress.objects.get(user=user, primary=True)
    assert (address.email, address.verified) == (user.email, True)
    assert EmailAddress.objects.filter(user=user).count() == 2
    assert has_verified_email(user)


# --- services ------------------------------------------------------------------------------------


def test_an_unverified_buyer_cannot_register_for_a_fair(fair):
    buyer = factories.user(verified=False)

    with pytest.raises(PermissionDenied, match="xác nhận địa chỉ email"):
        services.participant_register_buyer(fair=fair, user=buyer, data=buyer_registration())

    assert not Participant.objects.exists()


def test_a_verified_buyer_can_register_for_a_fair(fair):
    buyer = factories.user()

    participant = services.participant_register_buyer(fair=fair, user=buyer, data=buyer_registration())

    assert participant.user == buyer


def test_unverified_cooperative_staff_cannot_register_their_cooperative(fair):
    staff = factories.user(verified=False)
    cooperative = factories.cooperative(staff=[staff])

    with pytest.raises(PermissionDenied, match="xác nhận địa chỉ email"):
        services.participant_register_cooperative(
            fair=fair, user=staff, cooperative=cooperative, data=services.RegistrationData()
        )


def test_an_unverified_participant_cannot_ask_for_a_meeting(fair, organiser):
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    unverify(buyer.user)

    with pytest.raises(PermissionDenied, match="xác nhận địa chỉ email"):
        services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)

    assert not MeetingRequest.objects.exists()
    email_mark_verified(user=buyer.user)
    assert services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)


# --- pages ---------------------------------------------------------------------------------------


def assert_explains_with_a_resend_button(response):
    html = response.content.decode()
    assert response.status_code == 403
    assert f'action="{reverse("account_email")}"' in html
    assert 'name="action_send"' in html


def test_the_registration_page_explains_instead_of_a_bare_403(client, fair):
    buyer = factories.user(verified=False)
    client.force_login(buyer)
    url = reverse("fairs:register_buyer", args=[fair.pk])

    assert_explains_with_a_resend_button(client.get(url))
    assert_explains_with_a_resend_button(client.post(url, {"name": "Siêu thị Xanh"}))
    assert not Participant.objects.exists()


def test_the_cooperative_registration_page_explains_too(client, fair):
    staff = factories.user(verified=False)
    cooperative = factories.cooperative(staff=[staff])
    client.force_login(staff)

    response = client.get(reverse("fairs:register_cooperative", args=[fair.pk, cooperative.pk]))

    assert_explains_with_a_resend_button(response)


def test_a_meeting_request_from_an_unverified_buyer_is_explained_and_not_sent(client, fair, organiser):
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    unverify(buyer.user)
    client.force_login(buyer.user)

    response = client.post(
        reverse("fairs:request_meeting", args=[fair.pk, buyer.pk]), {"recipient": supplier.pk}
    )

    assert_explains_with_a_resend_button(response)
    assert not MeetingRequest.objects.exists()


def test_a_verified_buyer_sees_the_registration_form(client, fair):
    client.force_login(factories.user())

    response = client.get(reverse("fairs:register_buyer", args=[fair.pk]))

    assert response.status_code == 200
    assert 'name="available_slots"' in response.content.decode()


def test_the_resend_button_sends_a_confirmation_link_that_unlocks_registration(client, fair, mailing):
    buyer = factories.user(verified=False)
    client.force_login(buyer)

    with mailing():
        client.post(reverse("account_email"), {"email": buyer.email, "action_send": ""})
    [message] = mail.outbox
    assert message.to == [buyer.email]
    client.post(link_in(message))

    assert has_verified_email(buyer)
    assert client.get(reverse("fairs:register_buyer", args=[fair.pk])).status_code == 200
