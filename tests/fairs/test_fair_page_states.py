"""What a fair's page says about taking part, by where the fair is in its life: a past fair
says it has ended (with the report for its organisers), never that registration is yet to open."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fairs.models import FairPage
from tests import factories
from tests.factories import fairs as fair_factories

pytestmark = pytest.mark.django_db

NOT_YET_OPEN = "Hội chợ này chưa mở đăng ký."


@pytest.fixture
def organiser():
    return factories.user(email="lienminh@example.org")


@pytest.fixture
def lead(organiser):
    return factories.alliance(provinces=("01",), staff=[organiser])


def past_fair(lead, **extra):
    today = timezone.localdate()
    return fair_factories.fair(
        lead=lead,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today - datetime.timedelta(days=9),
        registration_opens_on=today - datetime.timedelta(days=40),
        registration_closes_on=today - datetime.timedelta(days=11),
        **extra,
    )


@pytest.mark.parametrize("status", [FairPage.Status.CLOSED, FairPage.Status.OPEN])
def test_a_past_fair_says_it_has_ended_not_that_registration_is_to_open(client, lead, status):
    fair = past_fair(lead, status=status)

    response = client.get(fair.url)
    html = response.content.decode()

    assert response.context["has_ended"] is True
    assert NOT_YET_OPEN not in html
    assert fair.ends_on.strftime("%d/%m/%Y") in html
    assert reverse("fairs:register_buyer", args=[fair.pk]) not in html


def test_a_closed_fair_ended_even_before_its_last_day(client, lead):
    fair = fair_factories.fair(lead=lead, status=FairPage.Status.CLOSED)

    response = client.get(fair.url)

    assert response.context["has_ended"] is True
    assert NOT_YET_OPEN not in response.content.decode()


def test_the_organisers_get_a_link_to_the_report_of_a_past_fair(client, lead, organiser):
    fair = past_fair(lead, status=FairPage.Status.CLOSED)
    report = reverse("fairs:report", args=[fair.pk])

    assert report not in client.get(fair.url).content.decode()
    client.force_login(organiser)
    assert report in client.get(fair.url).content.decode()


def test_a_fair_whose_registration_has_closed_says_so(client, lead):
    today = timezone.localdate()
    fair = fair_factories.fair(
        lead=lead,
        registration_opens_on=today - datetime.timedelta(days=9),
        registration_closes_on=today - datetime.timedelta(days=1),
    )

    response = client.get(fair.url)

    assert response.context["has_ended"] is False
    assert response.context["registration_has_closed"] is True
    assert NOT_YET_OPEN not in response.content.decode()


def test_a_fair_whose_registration_opens_later_still_says_not_open_yet(client, lead):
    today = timezone.localdate()
    fair = fair_factories.fair(
        lead=lead,
        registration_opens_on=today + datetime.timedelta(days=1),
        registration_closes_on=today + datetime.timedelta(days=3),
    )

    assert NOT_YET_OPEN in client.get(fair.url).content.decode()
