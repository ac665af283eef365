"""The admin dashboard's notice of invitations to quote (marketplace/admin_rfqs.py)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from marketplace.models import BuyerDemand
from tests import factories
from tests.factories import rfqs

pytestmark = pytest.mark.django_db

PANEL = 'id="invitations-to-quote-section"'


def dashboard(user) -> tuple[str, int]:
    """The admin's dashboard as `user` sees it, and the queries it costs."""
    client = Client()
    client.force_login(user)
    client.get("/admin/")  # sessions, settings and caches made once
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def test_staff_see_their_invitations_to_open_rfqs_on_the_dashboard(buyer):
    staff, other_staff = factories.user(), factories.user()
    invited = factories.cooperative(staff=[staff])
    factories.cooperative(staff=[other_staff])
    rfqs.rfq(buyer, title="Gạo ST25 cho siêu thị", invite=[invited])
    closed = rfqs.rfq(buyer, title="Nước mắm đã đóng", invite=[invited])
    BuyerDemand.objects.filter(pk=closed.pk).update(status=BuyerDemand.Status.CLOSED)

    html, _queries = dashboard(staff)
    assert PANEL in html
    assert "Gạo ST25 cho siêu thị" in html
    assert "Nước mắm đã đóng" not in html
    assert buyer.email not in html

    other_html, _queries = dashboard(other_staff)
    assert PANEL not in other_html


def test_the_panel_costs_the_same_queries_for_two_invitations_or_eight(buyer):
    staff = factories.user()
    cooperatives = [factories.cooperative(staff=[staff]) for _n in range(2)]
    for n in range(2):
        rfqs.rfq(buyer, title=f"Gạo mẫu-panel {n}", invite=cooperatives[n % 2 : n % 2 + 1])
    html_two, two = dashboard(staff)
    for n in range(6):
        rfqs.rfq(buyer, title=f"Gạo mẫu-panel thêm {n}", invite=cooperatives[n % 2 : n % 2 + 1])

    html_eight, eight = dashboard(staff)
    assert html_two.count("mẫu-panel") == 2
    assert html_eight.count("mẫu-panel") == 8
    assert eight == two
