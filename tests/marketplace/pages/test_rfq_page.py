"""One request for quotation (/cung-cau/<id>/) and "My requests" (/cung-cau/cua-toi/): who sees
what (the buyer never shown to outsiders), the buyer's matches, quotes side by side with their
history, inviting and cancelling, refusals, hostile ids and query counts."""

import datetime

import pytest
from django.test import Client

from marketplace.models import BuyerDemand, Quote, RfqInvitation
from marketplace.services.quotes import quote_accept, quote_withdraw
from tests import factories
from tests.factories import marketplace as mf
from tests.factories import quotes as qf
from tests.factories import rfqs
from tests.helpers import count_queries
from tests.marketplace.pages.helpers import identities, url

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(user, rfq, *, language: str = "vi"):
    return signed_in(user).get(url("rfq", rfq.pk, language=language))


def shows_identity(html: str, buyer) -> bool:
    return any(identity in html for identity in identities(buyer))


# --- what each visitor sees --------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_rfq_page_renders_in_both_languages(b2b, language):
    response = page(None, b2b.rfq, language=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert b2b.rfq.title in html
    assert "10 tấn" in html
    assert "19.000.000" in html or "19,000,000" in html
    assert "Hà Nội" in html
    assert "VietGAP" in html
    assert "3★" in html


def test_a_public_rfq_is_seen_by_anyone_without_its_buyer(b2b):
    qf.quote(b2b.rfq, b2b.rice)
    for visitor in (None, factories.user(), b2b.rice.quoter, b2b.outsider.quoter, b2b.tea.quoter):
        response = page(visitor, b2b.rfq)
        html = response.content.decode()
        assert response.status_code == 200
        assert not shows_identity(html, b2b.buyer)
        assert 'id="matches"' not in html  # the buyer's alone
        assert url("rfq_cancel", b2b.rfq.pk) not in html
        assert url("rfq_invite", b2b.rfq.pk) not in html


def test_a_cooperatives_staff_get_the_admin_link_their_thread_and_only_their_own_quote(b2b):
    qf.quote(b2b.rfq, b2b.rice, qf.line(unit_price_vnd=18_000_000))
    qf.quote(b2b.rfq, b2b.tea, qf.line(unit_price_vnd=17_500_000))
    html = page(b2b.rice.quoter, b2b.rfq).content.decode()
    assert f"/admin/marketplace/rfqs/{b2b.rfq.pk}/" in html
    assert url("rfq_thread", b2b.rfq.pk, b2b.rice.tax_code) in html
    assert "18.000.000" in html
    assert "17.500.000" not in html  # another cooperative's quote
    assert b2b.tea.title not in html
    assert url("quote_accept", Quote.objects.get(cooperative=b2b.rice).pk) not in html
    outsider = page(b2b.outsider.quoter, b2b.rfq).content.decode()
    assert f"/admin/marketplace/rfqs/{b2b.rfq.pk}/" in outsider
    assert "18.000.000" not in outsider
    assert url("rfq_thread", b2b.rfq.pk, b2b.rice.tax_code) not in outsider


def test_anonymous_visitors_are_asked_to_log_in_to_quote(b2b):
    html = page(None, b2b.rfq).content.decode()
    assert "/accounts/" in html
    assert "admin/marketplace/rfqs" in html  # where they land after logging in


def test_an_invited_only_rfq_is_not_found_but_by_its_buyer_and_invited_cooperatives(b2b):
    rfq = rfqs.rfq(b2b.buyer, title="Chè kín", visibility="invited", invite=[b2b.rice])
    for visitor in (None, factories.user(), b2b.tea.quoter, b2b.outsider.quoter):
        assert page(visitor, rfq).status_code == 404
    assert page(b2b.buyer, rfq).status_code == 200
    html = page(b2b.rice.quoter, rfq).content.decode()
    assert "Chè kín" in html
    assert not shows_identity(html, b2b.buyer)


def test_after_acceptance_only_the_chosen_cooperative_sees_the_buyer(b2b):
    chosen = qf.quote(b2b.rfq, b2b.rice)
    qf.quote(b2b.rfq, b2b.tea)
    quote_accept(user=b2b.buyer, quote=chosen, shipping=mf.address())
    assert shows_identity(page(b2b.rice.quoter, b2b.rfq).content.decode(), b2b.buyer)
    for visitor in (None, b2b.tea.quoter, b2b.outsider.quoter, factories.user()):
        assert not shows_identity(page(visitor, b2b.rfq).content.decode(), b2b.buyer)


@pytest.mark.parametrize("rfq_id", ["999999", str(2**63), str(10**30), "0"])
def test_a_wrong_id_is_not_found(client, b2b, rfq_id):
    for path in (f"/cung-cau/{rfq_id}/", f"/en/cung-cau/{rfq_id}/"):
        assert client.get(path).status_code == 404


def test_a_fair_demand_is_not_an_rfq_page(client, b2b):
    demand = BuyerDemand.objects.create(buyer=b2b.buyer, kind="fair", title="Nhu cầu", quantity=1, unit="kg")
    assert signed_in(b2b.buyer).get(url("rfq", demand.pk)).status_code == 404


# --- the buyer's view --------------------------------------------------------------------------


def test_the_buyer_sees_the_matches_with_scores_reasons_and_invite_buttons(b2b):
    html = page(b2b.buyer, b2b.rfq).content.decode()
    assert 'id="matches"' in html
    assert b2b.rice.title in html
    assert "/100" in html
    assert f'name="cooperative" value="{b2b.rice.tax_code}"' in html
    assert url("rfq_cancel", b2b.rfq.pk) in html
    assert "match-card__reasons" in html


def test_the_buyer_compares_quotes_side_by_side_with_their_history(b2b):
    rice_quote = qf.quote(b2b.rfq, b2b.rice, qf.line(quantity=10, unit_price_vnd=19_500_000))
    qf.quote(  # a revision: the history keeps both
        b2b.rfq,
        b2b.rice,
        qf.line(quantity=10, unit_price_vnd=18_800_000),
        lead_time_days=21,
        payment_terms="deposit",
        deposit_percent=30,
    )
    qf.quote(b2b.rfq, b2b.tea, qf.line(quantity=10, unit_price_vnd=20_000_000), payment_terms="cod")
    html = page(b2b.buyer, b2b.rfq).content.decode()
    assert html.count('class="quote-card ') == 2
    assert "18.800.000" in html  # per unit, latest revision
    assert "188.000.000" in html  # total
    assert "19.500.000" in html  # revision 1, in the history
    assert html.index(b2b.rice.title) < html.index(b2b.tea.title, html.index('id="quotes"'))  # cheapest first
    assert "21 ngày" in html
    assert "30%" in html
    assert "<details" in html
    assert url("rfq_thread", b2b.rfq.pk, b2b.rice.tax_code) in html
    assert url("rfq_thread", b2b.rfq.pk, b2b.tea.tax_code) in html
    assert url("quote_accept", rice_quote.pk) in html
    assert "km" in html  # distance from the tea cooperative's province to Hà Nội


def test_withdrawn_quotes_cannot_be_accepted_from_the_page(b2b):
    quote = qf.quote(b2b.rfq, b2b.rice)
    quote_withdraw(user=b2b.rice.quoter, quote=quote)
    html = page(b2b.buyer, b2b.rfq).content.decode()
    assert url("quote_accept", quote.pk) not in html
    assert "quote-card--withdrawn" in html


def test_the_buyers_page_costs_the_same_queries_for_1_or_4_quotes(b2b):
    qf.quote(b2b.rfq, b2b.rice, qf.line(b2b.st25))  # a listed product's line, as those added below
    RfqInvitation.objects.create(rfq=b2b.rfq, cooperative=b2b.rice, invited_by=b2b.buyer)
    client = signed_in(b2b.buyer)
    client.get(url("rfq", b2b.rfq.pk))
    few = count_queries(client, url("rfq", b2b.rfq.pk))
    for _ in range(3):
        cooperative = qf.quoting_cooperative(province="79")
        product = factories.product(
            cooperative=cooperative, category="food-rice", unit="tấn", monthly_capacity=50
        )
        RfqInvitation.objects.create(rfq=b2b.rfq, cooperative=cooperative, invited_by=b2b.buyer)
        qf.quote(b2b.rfq, cooperative, qf.line(product))
        qf.quote(b2b.rfq, cooperative, qf.line(product, unit_price_vnd=17_000_000))
    assert count_queries(client, url("rfq", b2b.rfq.pk)) == few


def test_the_public_page_costs_the_same_queries_whoever_quoted(b2b):
    client = signed_in(None)
    client.get(url("rfq", b2b.rfq.pk))
    few = count_queries(client, url("rfq", b2b.rfq.pk))
    for _ in range(3):
        qf.quote(b2b.rfq, qf.quoting_cooperative())
    assert count_queries(client, url("rfq", b2b.rfq.pk)) == few


# --- inviting ----------------------------------------------------------------------------------


def invite(user, rfq, tax_code):
    return signed_in(user).post(url("rfq_invite", rfq.pk), {"cooperative": tax_code})


def test_the_buyer_invites_a_match_once(b2b):
    response = invite(b2b.buyer, b2b.rfq, b2b.rice.tax_code)
    assert response.status_code == 302
    assert response["Location"].endswith(url("rfq", b2b.rfq.pk) + "#invited")
    invitation = RfqInvitation.objects.get(rfq=b2b.rfq)
    assert invitation.cooperative == b2b.rice
    assert invitation.score is not None  # the ranking's score, kept
    assert invite(b2b.buyer, b2b.rfq, b2b.rice.tax_code).status_code == 302
    assert RfqInvitation.objects.filter(rfq=b2b.rfq).count() == 1
    html = page(b2b.buyer, b2b.rfq).content.decode()
    assert 'id="invited"' in html
    assert f'name="cooperative" value="{b2b.rice.tax_code}"' not in html  # "Invited" instead


def test_others_cannot_invite(b2b):
    closed = rfqs.rfq(b2b.buyer, visibility="invited", invite=[b2b.rice])
    assert invite(None, b2b.rfq, b2b.tea.tax_code).status_code == 302  # to log in
    assert invite(factories.user(), b2b.rfq, b2b.tea.tax_code).status_code == 403
    assert invite(b2b.rice.quoter, b2b.rfq, b2b.tea.tax_code).status_code == 403
    assert invite(factories.user(), closed, b2b.tea.tax_code).status_code == 404
    assert invite(b2b.tea.quoter, closed, b2b.tea.tax_code).status_code == 404
    assert not RfqInvitation.objects.filter(cooperative=b2b.tea).exists()


@pytest.mark.parametrize("code", ["", "0000000000", "abc", "01\x0023", "9" * 25, "<script>"])
def test_a_wrong_tax_code_is_said_and_invites_no_one(b2b, code):
    response = invite(b2b.buyer, b2b.rfq, code)
    assert response.status_code == 400
    assert "page-errors" in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert not RfqInvitation.objects.exists()


def test_an_unlisted_cooperative_cannot_be_invited(b2b):
    hidden = factories.cooperative(verified=False)
    assert invite(b2b.buyer, b2b.rfq, hidden.tax_code).status_code == 400
    assert not RfqInvitation.objects.exists()


def test_inviting_to_a_closed_rfq_is_a_conflict(b2b):
    BuyerDemand.objects.filter(pk=b2b.rfq.pk).update(status="closed")
    response = invite(b2b.buyer, b2b.rfq, b2b.rice.tax_code)
    assert response.status_code == 409
    assert not RfqInvitation.objects.exists()


def test_inviting_needs_the_csrf_token(b2b):
    client = Client(enforce_csrf_checks=True)
    client.force_login(b2b.buyer)
    assert client.post(url("rfq_invite", b2b.rfq.pk), {"cooperative": b2b.rice.tax_code}).status_code == 403
    assert not RfqInvitation.objects.exists()


# --- cancelling --------------------------------------------------------------------------------


def cancel(user, rfq, **post):
    return signed_in(user).post(url("rfq_cancel", rfq.pk), post)


def test_the_buyer_cancels_after_saying_yes(b2b):
    assert cancel(b2b.buyer, b2b.rfq).status_code == 400  # no "yes"
    assert BuyerDemand.objects.get(pk=b2b.rfq.pk).status == "open"
    response = cancel(b2b.buyer, b2b.rfq, confirm="on")
    assert response.status_code == 302
    assert BuyerDemand.objects.get(pk=b2b.rfq.pk).status == "cancelled"
    again = cancel(b2b.buyer, b2b.rfq, confirm="on")
    assert again.status_code == 409
    html = page(b2b.buyer, b2b.rfq).content.decode()
    assert "rfq-status--cancelled" in html
    assert 'id="matches"' not in html


def test_others_cannot_cancel(b2b):
    closed = rfqs.rfq(b2b.buyer, visibility="invited", invite=[b2b.rice])
    assert cancel(None, b2b.rfq, confirm="on").status_code == 302
    assert cancel(factories.user(), b2b.rfq, confirm="on").status_code == 403
    assert cancel(b2b.rice.quoter, b2b.rfq, confirm="on").status_code == 403
    assert cancel(b2b.rice.quoter, closed, confirm="on").status_code == 403
    assert cancel(b2b.tea.quoter, closed, confirm="on").status_code == 404
    assert set(BuyerDemand.objects.values_list("status", flat=True)) == {"open"}


def test_pages_refuse_other_methods(b2b):
    client = signed_in(b2b.buyer)
    assert client.get(url("rfq_cancel", b2b.rfq.pk)).status_code == 405
    assert client.get(url("rfq_invite", b2b.rfq.pk)).status_code == 405
    assert client.post(url("rfq", b2b.rfq.pk)).status_code == 405


# --- my requests -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_my_requests_lists_mine_with_status_deadline_and_quotes(b2b, language):
    qf.quote(b2b.rfq, b2b.rice)
    withdrawn = qf.quote(b2b.rfq, b2b.tea)
    quote_withdraw(user=b2b.tea.quoter, quote=withdrawn)
    qf.quote(b2b.rfq, b2b.outsider)
    past = rfqs.rfq(b2b.buyer, title="Mật ong hết hạn")
    BuyerDemand.objects.filter(pk=past.pk).update(deadline=datetime.date.today() - datetime.timedelta(days=2))
    someone_elses = rfqs.rfq(factories.user(), title="Của người khác")
    response = signed_in(b2b.buyer).get(url("my_rfqs", language=language))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert url("rfq", b2b.rfq.pk, language=language) in html
    assert url("rfq", past.pk, language=language) in html
    assert url("rfq", someone_elses.pk, language=language) not in html
    assert "rfq-status--open" in html
    assert "rfq-status--closed" in html  # past its deadline
    assert html.index("Mật ong hết hạn") < html.index(b2b.rfq.title)  # newest first
    assert 'rfq-mine__quotes">2' in html  # the withdrawn quote left out


def test_my_requests_is_empty_for_a_new_buyer(buyer_client):
    html = buyer_client.get(url("my_rfqs")).content.decode()
    assert "empty-state" in html
    assert url("rfq_new") in html


def test_my_requests_needs_a_sign_in(client):
    response = client.get(url("my_rfqs"))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_my_requests_costs_the_same_queries_for_1_or_6_requests(b2b):
    client = signed_in(b2b.buyer)
    client.get(url("my_rfqs"))
    few = count_queries(client, url("my_rfqs"))
    for n in range(5):
        rfq = rfqs.rfq(b2b.buyer, title=f"Yêu cầu {n}", delivery_province=b2b.rfq.delivery_province)
        qf.quote(rfq, b2b.rice)
    assert count_queries(client, url("my_rfqs")) == few
    assert signed_in(b2b.buyer).get(url("my_rfqs") + "?page=" + "9" * 40).status_code == 200
