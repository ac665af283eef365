"""Fair pages in the Wagtail admin: any alliance may add one, only its organisers edit it,
and sessions that overlap are a form error."""

import datetime

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from fairs.models import FairIndexPage, FairPage
from tests import factories

pytestmark = pytest.mark.django_db


def _form(fair: FairPage, sessions: list[dict], **changes) -> dict:
    return nested_form_data(
        {
            "title": fair.title,
            "slug": fair.slug,
            "name_en": "",
            "kind": fair.kind,
            "status": fair.status,
            "starts_on": fair.starts_on.isoformat(),
            "ends_on": fair.ends_on.isoformat(),
            "venue": fair.venue,
            "online_url": "",
            "registration_opens_on": fair.registration_opens_on.isoformat(),
            "registration_closes_on": fair.registration_closes_on.isoformat(),
            "lead_organiser": fair.lead_organiser_id,
            "co_organisers": [],
            "provinces": ["01"],
            "intro": rich_text(""),
            "intro_en": rich_text(""),
            "programme": rich_text(""),
            "programme_en": rich_text(""),
            "has_booths": "on",
            "max_meetings_per_participant": "",
            "sessions": inline_formset(sessions),
            **changes,
        }
    )


def test_its_organisers_edit_a_fair_and_other_alliances_cannot(client, fair, organiser):
    outsider = factories.user()
    factories.alliance(provinces=("31",), staff=[outsider])

    client.force_login(organiser)
    assert client.get(f"/admin/pages/{fair.pk}/edit/").status_code == 200
    client.force_login(outsider)
    response = client.get(f"/admin/pages/{fair.pk}/edit/")
    assert response.status_code in (302, 403)
    index = FairIndexPage.objects.get()
    assert client.get(f"/admin/pages/add/fairs/fairpage/{index.pk}/").status_code == 200


def test_overlapping_sessions_are_a_form_error_and_change_nothing(client, fair, organiser):
    day = fair.starts_on.isoformat()
    sessions = [
        {
            "name": "Sáng",
            "date": day,
            "starts_at": "08:00",
            "slot_minutes": 20,
            "slot_count": 6,
            "tables": 10,
        },
        {
            "name": "Giữa",
            "date": day,
            "starts_at": "09:00",
            "slot_minutes": 20,
            "slot_count": 3,
            "tables": 10,
        },
    ]
    client.force_login(organiser)

    response = client.post(f"/admin/pages/{fair.pk}/edit/", _form(fair, sessions, action_publish="1"))

    assert response.status_code == 200
    assert "overlap" in response.content.decode() or "chồng" in response.content.decode()
    assert fair.sessions.count() == 1
    assert Page.objects.get(pk=fair.pk).specific.sessions.get().starts_at == datetime.time(8, 30)
