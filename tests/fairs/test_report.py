"""The organisers' report: exact figures for a small fair built through services, the page, the
CSV and XLSX downloads, who may see it, and its query count."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from catalog.money import format_vnd
from catalog.places import resolve_province
from fairs import services
from fairs.models import FairPage, Meeting, Participant
from fairs.reports import fair_report
from tests import factories
from tests.factories import fairs as fair_factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return factories.user(email="bao-cao@example.org")


@pytest.fixture
def fair(organiser):
    return fair_factories.fair(lead=factories.alliance(provinces=("01",), staff=[organiser]), slug="ket-noi")


def _agreement(fair, organiser, *, kind, buyer, supplier, value, products=()):
    return services.agreement_record(
        fair=fair,
        user=organiser,
        data=services.AgreementData(
            kind=kind,
            buyer=buyer,
            supplier=supplier,
            volume="2 tấn/tháng",
            value_vnd=value,
            signed_on=timezone.localdate(),
            products=list(products),
        ),
    )


@pytest.fixture
def busy_fair(fair, organiser):
    """Six registrations, four requests, three meetings (two held, one no-show), three agreements."""
    s1 = fair_factories.cooperative_participant(fair, province="01", approve_by=organiser)
    s2 = fair_factories.cooperative_participant(fair, province="31", approve_by=organiser)
    fair_factories.cooperative_participant(fair, province="01")  # pending
    b1 = fair_factories.buyer_participant(fair, province="01", buyer_kind="supermarket", approve_by=organiser)
    b2 = fair_factories.buyer_participant(fair, province="79", buyer_kind="exporter", approve_by=organiser)
    b3 = fair_factories.buyer_participant(fair, province="79", buyer_kind="household")
    services.participant_decide(participant=b3, user=organiser, approve=False)

    r1 = services.meeting_request_create(requester=b1, recipient=s1, user=b1.user)
    r2 = services.meeting_request_create(requester=b1, recipient=s2, user=b1.user)
    r3 = services.meeting_request_create(requester=b2, recipient=s1, user=b2.user)
    services.meeting_request_create(requester=s2, recipient=b2, user=s2.user)  # closed by scheduling
    services.meeting_request_answer(request=r1, user=s1.user, accept=True)
    services.meeting_request_answer(request=r2, user=s2.user, accept=True)
    services.meeting_request_answer(request=r3, user=s1.user, accept=False)
    arranged = services.meeting_create(fair=fair, participants=[b2, s2], user=organiser)

    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    outcome = services.fair_schedule(fair=fair, user=organiser, time_limit=1)
    assert outcome.scheduled == 3
    m1, m2 = Meeting.objects.get(request=r1), Meeting.objects.get(request=r2)
    arranged.refresh_from_db()
    services.meeting_record_outcome(meeting=m1, user=organiser, outcome=Meeting.Outcome.HELD)
    services.meeting_record_outcome(meeting=m2, user=organiser, outcome=Meeting.Outcome.FOLLOW_UP)
    services.meeting_record_outcome(meeting=arranged, user=organiser, outcome=Meeting.Outcome.NO_SHOW)

    rice = factories.product(cooperative=s1.cooperative, category="food-rice")
    juice = factories.product(cooperative=s1.cooperative, category="beverages-soft")
    basket = factories.product(cooperative=s2.cooperative, category="handicrafts")
    # Two product groups: 1.000.000.001 đồng split 500.000.001 (food, first) + 500.000.000.
    _agreement(
        fair, organiser, kind="contract", buyer=b1, supplier=s1, value=1_000_000_001, products=[rice, juice]
    )
    _agreement(
        fair, organiser, kind="memorandum", buyer=b1, supplier=s2, value=300_000_000, products=[basket]
    )
    _agreement(fair, organiser, kind="memorandum", buyer=b2, supplier=s1, value=200_000_000)
    return fair


def _names(*codes):
    return [resolve_province(code).name for code in codes]


def test_report_figures_are_exact(busy_fair):
    report = fair_report(busy_fair)

    by_province = {row.label: (row.total, row.by_status) for row in report.registrations_by_province}
    hanoi, haiphong, hcmc = _names("01", "31", "79")
    assert list(by_province) == [hanoi, haiphong, hcmc]
    assert by_province[hanoi][0] == 3
    assert by_province[hanoi][1] == {"pending": 1, "approved": 2, "rejected": 0, "withdrawn": 0}
    assert by_province[haiphong][0] == 1
    assert by_province[hcmc][1] == {"pending": 0, "approved": 1, "rejected": 1, "withdrawn": 0}

    by_kind = {row.label: row.total for row in report.registrations_by_kind}
    kinds = Participant.BuyerKind
    assert by_kind[str(Participant.Role.COOPERATIVE.label)] == 3
    for kind in (kinds.SUPERMARKET, kinds.EXPORTER, kinds.HOUSEHOLD):
        assert [total for label, total in by_kind.items() if str(kind.label) in label] == [1]
    assert sorted(by_kind.values()) == [1, 1, 1, 3]
    assert report.registrations_total.total == 6
    assert report.registrations_total.by_status["approved"] == 4

    m = report.meetings
    assert (m.requested, m.accepted, m.meetings, m.scheduled, m.held, m.no_shows) == (4, 2, 3, 3, 2, 1)
    assert m.no_show_percent == 33.3

    assert (report.agreements_total.count, report.agreements_total.value_vnd) == (3, 1_500_000_001)
    assert [(r.label, r.count, r.value_vnd) for r in report.agreements_by_province] == [
        (hanoi, 2, 1_200_000_001),
        (haiphong, 1, 300_000_000),
    ]
    categories = [(r.count, r.value_vnd) for r in report.agreements_by_category]
    # Food, beverages, handicrafts in catalogue order, then the agreement naming no product.
    assert categories == [(1, 500_000_001), (1, 500_000_000), (1, 300_000_000), (1, 200_000_000)]
    assert sum(value for _count, value in categories) == report.agreements_total.value_vnd
    assert [(r.count, r.value_vnd) for r in report.agreements_by_kind] == [
        (2, 500_000_000),
        (1, 1_000_000_001),
    ]


def test_an_empty_fair_reports_zeros_and_no_rate(fair, organiser, client):
    report = fair_report(fair)
    assert report.meetings.no_show_rate is None
    assert report.agreements_total.value_vnd == 0

    client.force_login(organiser)
    response = client.get(reverse("fairs:report", args=[fair.pk]))
    assert response.status_code == 200
    assert "—" in response.content.decode()


def test_the_page_draws_accessible_bar_charts_with_tables(busy_fair, organiser, client):
    client.force_login(organiser)
    response = client.get(reverse("fairs:report", args=[busy_fair.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('role="img"') == 6
    assert html.count("<table") == 6
    assert format_vnd(1_500_000_001, "vi") in html
    assert "33,3%" in html
    assert 'width="100.00%"' in html  # the longest bar of a chart fills the row
    assert "css/fairs-report.css" in html
    assert reverse("fairs:report_xlsx", args=[busy_fair.pk]) in html

    english = client.get("/en" + reverse("fairs:report", args=[busy_fair.pk])).content.decode()
    assert format_vnd(1_500_000_001, "en") in english
    assert "33.3%" in english


def test_the_csv_has_every_section_in_utf8_with_a_bom(busy_fair, organiser, client):
    client.force_login(organiser)
    response = client.get(reverse("fairs:report_csv", args=[busy_fair.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert f"ket-noi-{busy_fair.starts_on:%Y-%m-%d}" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    hanoi = _names("01")[0]
    assert [hanoi, "2", "1200000001"] in rows
    assert [hanoi, "3", "1", "2", "0", "0"] in rows
    assert any(row and row[1:] == ["4"] for row in rows)  # four meeting requests
    assert any(row and row[1:] == ["3", "1500000001"] for row in rows)
    assert "Hà Nội" in response.content.decode("utf-8")


def test_the_xlsx_has_one_sheet_per_table_with_the_same_figures(busy_fair, organiser, client):
    client.force_login(organiser)
    response = client.get(reverse("fairs:report_xlsx", args=[busy_fair.pk]))

    assert response.status_code == 200
    assert ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 6
    assert all(len(name) <= 31 for name in workbook.sheetnames)
    values = {title: list(workbook[title].iter_rows(values_only=True)) for title in workbook.sheetnames}
    provinces = values[workbook.sheetnames[3]]
    assert (_names("01")[0], 2, 1_200_000_001) in provinces
    assert (_names("31")[0], 1, 300_000_000) in provinces
    meetings = values[workbook.sheetnames[2]]
    assert [row[1] for row in meetings[2:8]] == [4, 2, 3, 3, 2, 1]
    categories = values[workbook.sheetnames[4]]
    assert sum(row[2] for row in categories[2:6]) == 1_500_000_001


@pytest.mark.parametrize("name", ["fairs:report", "fairs:report_csv", "fairs:report_xlsx"])
def test_only_organisers_see_the_report(busy_fair, client, name):
    url = reverse(name, args=[busy_fair.pk])
    assert client.get(url).status_code == 302  # to the login page

    participant = busy_fair.participants.first()
    client.force_login(participant.user)
    assert client.get(url).status_code == 403

    other_alliance_staff = factories.user()
    factories.alliance(provinces=("31",), staff=[other_alliance_staff])
    client.force_login(other_alliance_staff)
    assert client.get(url).status_code == 403

    assert client.get(reverse(name, args=[busy_fair.pk + 1000])).status_code == 404


def test_co_organisers_see_the_report(organiser, client):
    co_staff = factories.user()
    fair = fair_factories.fair(
        lead=factories.alliance(provinces=("01",), staff=[organiser]),
        co_organisers=[factories.alliance(provinces=("31",), staff=[co_staff])],
    )
    client.force_login(co_staff)
    assert client.get(reverse("fairs:report", args=[fair.pk])).status_code == 200


def test_the_report_costs_the_same_queries_however_big_the_fair(fair, organiser, client):
    client.force_login(organiser)
    urls = [
        reverse(name, args=[fair.pk]) for name in ("fairs:report", "fairs:report_csv", "fairs:report_xlsx")
    ]
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    _agreement(fair, organiser, kind="contract", buyer=buyer, supplier=supplier, value=1_000)
    client.get(urls[0])  # the first page view creates the site's settings row once
    small = [count_queries(client, url) for url in urls]

    for province in ("01", "31", "31"):
        supplier = fair_factories.cooperative_participant(fair, province=province, approve_by=organiser)
        product = factories.product(cooperative=supplier.cooperative, category="food-honey")
        other = factories.product(cooperative=supplier.cooperative, category="herbal-medicine")
        buyer = fair_factories.buyer_participant(
            fair, province="79", buyer_kind="retailer", approve_by=organiser
        )
        services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)
        services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
        _agreement(
            fair,
            organiser,
            kind="memorandum",
            buyer=buyer,
            supplier=supplier,
            value=5,
            products=[product, other],
        )

    assert [count_queries(client, url) for url in urls] == small
