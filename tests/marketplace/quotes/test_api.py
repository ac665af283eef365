"""The quotes API: quoting and revising, the list, accepting, withdrawing, threads; who may call
what (the cross-tenant matrix), CSRF and hostile input. Statuses and data are asserted, not words."""

import datetime

import pytest
from django.utils import timezone

from catalog import services as catalog_services
from marketplace.models import BuyerDemand, Order, Quote, QuoteRevision, RfqMessage
from tests import factories
from tests.clock import days
from tests.factories import marketplace as mf
from tests.factories import quotes as qf
from tests.factories import rfqs
from tests.marketplace.test_api import CSRF_TOKEN, NOTHING, call, client_for, shipping

pytestmark = pytest.mark.django_db


def quote_body(**fields) -> dict:
    """A valid quote, changed by `fields`; `call` sends its `days(n)` as dates."""
    line = {
        "description": "Gạo ST25 bao 50 kg",
        "quantity": 10,
        "unit_price_vnd": 18_000_000,
        "vat_category": "kct",
    }
    return {
        "lines": [line],
        "valid_until": days(30),
        "lead_time_days": 7,
        "payment_terms": "transfer",
    } | fields


def test_a_cooperative_quotes_then_revises_and_the_buyer_sees_the_history(trade):
    staff = client_for(trade.rice.quoter)
    first = call(staff, "post", f"/rfqs/{trade.rfq.pk}/quotes", quote_body())
    assert first.status_code == 201, first.content
    assert first.json() == {
        "id": first.json()["id"],
        "revision": 1,
        "total_vnd": 180_000_000,
        "status": "sent",
    }
    revised = call(
        staff,
        "post",
        f"/rfqs/{trade.rfq.pk}/quotes",
        quote_body(
            lines=[{"sku": trade.st25.sku, "quantity": 10, "unit_price_vnd": 17_500_000}],
            payment_terms="deposit",
            deposit_percent=30,
        ),
    )
    assert revised.status_code == 201
    assert (revised.json()["id"], revised.json()["revision"]) == (first.json()["id"], 2)

    seen = call(client_for(trade.buyer), "get", f"/rfqs/{trade.rfq.pk}/quotes")
    assert seen.status_code == 200
    (item,) = seen.json()["items"]
    assert (item["cooperative"]["tax_code"], item["status"], item["revision"]) == (
        trade.rice.tax_code,
        "sent",
        2,
    )
    assert [r["number"] for r in item["revisions"]] == [2, 1]
    assert [r["total_vnd"] for r in item["revisions"]] == [175_000_000, 180_000_000]
    assert item["revisions"][0]["lines"][0]["sku"] == trade.st25.sku
    assert (item["revisions"][0]["payment_terms"], item["revisions"][0]["deposit_percent"]) == ("deposit", 30)
    assert item["comparison"]["per_unit_vnd"] == 17_500_000
    assert item["comparison"]["within_target"] is True


def test_a_cooperative_sees_only_its_own_quote_and_outsiders_see_nothing(trade):
    qf.quote(trade.rfq, trade.rice)
    qf.quote(trade.rfq, trade.tea)
    url = f"/rfqs/{trade.rfq.pk}/quotes"

    mine = call(client_for(trade.tea.quoter), "get", url).json()["items"]
    assert [item["cooperative"]["tax_code"] for item in mine] == [trade.tea.tax_code]
    assert len(call(client_for(trade.buyer), "get", url).json()["items"]) == 2
    assert call(client_for(factories.user()), "get", url).status_code == 404
    assert call(client_for(), "get", url).status_code == 401


def test_staff_of_several_cooperatives_name_the_quoting_one(trade):
    both = factories.user()
    for cooperative in (trade.rice, trade.tea):
        catalog_services.cooperative_add_staff(cooperative=cooperative, user=both)
    client = client_for(both)
    url = f"/rfqs/{trade.rfq.pk}/quotes"

    assert call(client, "post", url, quote_body()).status_code == 400
    named = call(client, "post", url, quote_body(cooperative=trade.tea.tax_code))
    assert named.status_code == 201
    assert Quote.objects.get().cooperative == trade.tea
    assert call(client, "post", url, quote_body(cooperative=factories.tax_code())).status_code == 404


def test_a_buyer_who_staffs_no_cooperative_cannot_quote(trade):
    refused = call(client_for(factories.user()), "post", f"/rfqs/{trade.rfq.pk}/quotes", quote_body())
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail"}


def test_quoting_on_a_closed_rfq_or_revising_a_decided_quote_is_409(trade):
    staff = client_for(trade.rice.quoter)
    url = f"/rfqs/{trade.rfq.pk}/quotes"
    quote = qf.quote(trade.rfq, trade.rice)
    Quote.objects.filter(pk=quote.pk).update(status="withdrawn")
    assert call(staff, "post", url, quote_body()).status_code == 409

    BuyerDemand.objects.filter(pk=trade.rfq.pk).update(deadline=datetime.date(2020, 1, 1))
    late = call(client_for(trade.tea.quoter), "post", url, quote_body())
    assert late.status_code == 409
    assert set(late.json()) == {"detail"}


def test_accepting_answers_with_the_order_and_a_second_accept_is_409(trade):
    quote = qf.quote(trade.rfq, trade.rice)
    rival = qf.quote(trade.rfq, trade.tea)
    buyer = client_for(trade.buyer)

    accepted = call(
        buyer, "post", f"/quotes/{quote.pk}/accept", {"shipping": shipping(), "note": "Gọi trước"}
    )
    assert accepted.status_code == 201, accepted.content
    order = Order.objects.get()
    assert accepted.json() == {
        "order": {
            "number": order.number,
            "total_vnd": quote.total_vnd,
            "status": "placed",
            "payment_status": "unpaid",
            "payment_method": "vietqr",
        }
    }
    # The order is the buyer's like any other, with its transfer details.
    detail = call(buyer, "get", f"/orders/{order.number}").json()
    assert detail["transfer"]["amount_vnd"] == quote.total_vnd

    again = call(buyer, "post", f"/quotes/{quote.pk}/accept", {"shipping": shipping()})
    other = call(buyer, "post", f"/quotes/{rival.pk}/accept", {"shipping": shipping()})
    assert (again.status_code, other.status_code) == (409, 409)
    assert set(other.json()) == {"detail"}
    assert Order.objects.count() == 1


def test_accepting_without_a_body_uses_the_last_address_or_asks_for_one(trade):
    quote = qf.quote(trade.rfq, trade.rice)
    buyer = client_for(trade.buyer)

    asked = call(buyer, "post", f"/quotes/{quote.pk}/accept")
    assert asked.status_code == 400
    assert set(asked.json()) >= {"detail"}

    honey = factories.product(cooperative=trade.tea, price_vnd=100_000, stock=3)
    mf.purchase(trade.buyer, [(honey, 1)])
    assert call(buyer, "post", f"/quotes/{quote.pk}/accept").status_code == 201


def test_an_expired_quote_or_one_revised_since_it_was_seen_is_409(trade):
    quote = qf.quote(trade.rfq, trade.rice)
    qf.quote(trade.rfq, trade.rice, qf.line(unit_price_vnd=5_000))
    buyer = client_for(trade.buyer)

    revised = call(buyer, "post", f"/quotes/{quote.pk}/accept", {"shipping": shipping(), "revision": 1})
    assert revised.status_code == 409
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    expired = call(buyer, "post", f"/quotes/{quote.pk}/accept", {"shipping": shipping()})
    assert expired.status_code == 409
    assert not Order.objects.exists()


def test_withdrawing_is_for_the_quoting_cooperative_while_the_quote_waits(trade):
    quote = qf.quote(trade.rfq, trade.rice)
    url = f"/quotes/{quote.pk}/withdraw"

    assert call(client_for(trade.buyer), "post", url).status_code == 403
    assert call(client_for(trade.tea.quoter), "post", url).status_code == 404
    done = call(client_for(trade.rice.quoter), "post", url)
    assert done.status_code == 200
    assert done.json()["status"] == "withdrawn"
    assert call(client_for(trade.rice.quoter), "post", url).status_code == 409


# --- threads -----------------------------------------------------------------------------------


def test_the_buyer_and_a_cooperative_talk_with_contacts_masked_until_acceptance(trade):
    buyer, staff = client_for(trade.buyer), client_for(trade.rice.quoter)
    url = f"/rfqs/{trade.rfq.pk}/messages"

    sent = call(
        buyer,
        "post",
        f"{url}?cooperative={trade.rice.tax_code}",
        {"body": "Gọi tôi: 0912 345 678 hoặc lan.nguyen@sieuthi.vn"},
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["from_buyer"] is True
    assert "0912" not in sent.json()["body"]
    assert "@" not in sent.json()["body"]
    reply = call(staff, "post", url, {"body": "Chúng tôi giao được 10 tấn mỗi tháng."})
    assert reply.status_code == 201
    assert reply.json()["from_buyer"] is False

    thread = call(staff, "get", url).json()
    assert thread["cooperative"]["tax_code"] == trade.rice.tax_code
    assert [item["from_buyer"] for item in thread["items"]] == [True, False]
    assert thread["total"] == 2
    assert call(buyer, "get", f"{url}?cooperative={trade.rice.tax_code}").json()["items"] == thread["items"]


def test_the_buyer_must_name_the_cooperative_and_a_cooperative_reads_only_its_own_thread(trade):
    qf.quote(trade.rfq, trade.rice)
    url = f"/rfqs/{trade.rfq.pk}/messages"
    call(client_for(trade.buyer), "post", f"{url}?cooperative={trade.rice.tax_code}", {"body": "Chào HTX"})

    assert call(client_for(trade.buyer), "get", url).status_code == 400
    other = client_for(trade.tea.quoter)
    assert call(other, "get", f"{url}?cooperative={trade.rice.tax_code}").status_code == 404
    assert call(other, "post", f"{url}?cooperative={trade.rice.tax_code}", {"body": "x"}).status_code == 404
    # On a public RFQ another cooperative has a thread of its own, which is empty.
    assert call(other, "get", url).json()["items"] == []
    assert RfqMessage.objects.count() == 1


# --- who may call what -------------------------------------------------------------------------

OUTSIDERS = ["other cooperative", "other buyer", "anonymous"]
ROUTES = [
    ("list quotes", "get", "/rfqs/{rfq}/quotes", NOTHING),
    ("quote", "post", "/rfqs/{rfq}/quotes", "quote"),
    ("accept", "post", "/quotes/{quote}/accept", "accept"),
    ("withdraw", "post", "/quotes/{quote}/withdraw", NOTHING),
    ("read thread", "get", "/rfqs/{rfq}/messages?cooperative={tax_code}", NOTHING),
    ("write thread", "post", "/rfqs/{rfq}/messages?cooperative={tax_code}", {"body": "Xin chào"}),
]


def resolve(body):
    """A route's body: "quote" and "accept" stand for bodies built in the test (they read the database)."""
    if body == "quote":
        return quote_body()
    if body == "accept":
        return {"shipping": shipping()}
    return body


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize(("case", "method", "path", "body"), ROUTES, ids=[r[0] for r in ROUTES])
def test_outsiders_are_refused_every_route_of_an_invited_only_rfq(trade, outsider, case, method, path, body):
    rfq = rfqs.rfq(trade.buyer, visibility="invited", invite=[trade.rice])
    quote = qf.quote(rfq, trade.rice)
    call(
        client_for(trade.buyer),
        "post",
        f"/rfqs/{rfq.pk}/messages?cooperative={trade.rice.tax_code}",
        {"body": "Hi"},
    )
    who = {"other cooperative": trade.tea.quoter, "other buyer": factories.user(), "anonymous": None}[
        outsider
    ]
    body = resolve(body)
    url = path.format(rfq=rfq.pk, quote=quote.pk, tax_code=trade.rice.tax_code)

    refused = call(client_for(who), method, url, body)

    assert refused.status_code in (401, 404), (refused.status_code, refused.content)
    assert set(refused.json()) >= {"detail"}
    quote.refresh_from_db()
    assert (quote.status, quote.revision) == ("sent", 1)
    assert QuoteRevision.objects.count() == 1
    assert Quote.objects.count() == 1
    assert not Order.objects.exists()
    assert RfqMessage.objects.count() == 1


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize(
    ("case", "method", "path", "body"),
    [r for r in ROUTES if r[0] != "quote"],
    ids=[r[0] for r in ROUTES if r[0] != "quote"],
)
def test_outsiders_are_refused_another_cooperatives_quote_and_thread_on_a_public_rfq(
    trade, outsider, case, method, path, body
):
    quote = qf.quote(trade.rfq, trade.rice)
    who = {"other cooperative": trade.tea.quoter, "other buyer": factories.user(), "anonymous": None}[
        outsider
    ]
    body = resolve(body)
    url = path.format(rfq=trade.rfq.pk, quote=quote.pk, tax_code=trade.rice.tax_code)

    answer = call(client_for(who), method, url, body)

    if case == "list quotes" and outsider == "other cooperative":
        # A cooperative may look at a public RFQ's quotes: it sees its own, which are none.
        assert (answer.status_code, answer.json()["items"]) == (200, [])
    else:
        assert answer.status_code in (401, 403, 404), (answer.status_code, answer.content)
    quote.refresh_from_db()
    assert quote.status == "sent"
    assert not Order.objects.exists()
    assert not RfqMessage.objects.exists()


CSRF_ROUTES = [r for r in ROUTES if r[1] == "post"]


@pytest.mark.parametrize(("case", "method", "path", "body"), CSRF_ROUTES, ids=[r[0] for r in CSRF_ROUTES])
def test_writes_need_the_csrf_token(trade, case, method, path, body):
    quote = qf.quote(trade.rfq, trade.rice)
    who = trade.rice.quoter if case in ("quote", "withdraw") else trade.buyer
    body = resolve(body)
    url = path.format(rfq=trade.rfq.pk, quote=quote.pk, tax_code=trade.rice.tax_code)
    client = client_for(who, csrf=True)

    assert call(client, method, url, body).status_code == 403
    assert QuoteRevision.objects.count() == 1
    client.cookies["csrftoken"] = CSRF_TOKEN
    assert call(client, method, url, body, HTTP_X_CSRFTOKEN=CSRF_TOKEN).status_code in (200, 201)


# --- hostile input -----------------------------------------------------------------------------

BIG = 10**30
LINE = {"description": "Gạo", "quantity": 1, "unit_price_vnd": 1_000, "vat_category": "kct"}
HOSTILE_QUOTES = [
    "{not json",
    "[1, 2]",
    "null",
    {},
    quote_body(lines=[]),
    quote_body(lines=[LINE] * 51),
    quote_body(lines=[LINE | {"quantity": BIG}]),
    quote_body(lines=[LINE | {"quantity": -1}]),
    quote_body(lines=[LINE | {"quantity": "3"}]),
    quote_body(lines=[LINE | {"quantity": 2.5}]),
    quote_body(lines=[LINE | {"unit_price_vnd": BIG}]),
    quote_body(lines=[LINE | {"unit_price_vnd": 0}]),
    quote_body(lines=[LINE | {"unit_price_vnd": 10**9, "quantity": 10**9}]),
    quote_body(lines=[LINE | {"vat_category": "15"}]),
    quote_body(lines=[LINE | {"description": "x\x00y"}]),
    quote_body(lines=[LINE | {"description": "x" * 10_000}]),
    quote_body(lines=[{"sku": "'; DROP TABLE x; --", "quantity": 1, "unit_price_vnd": 1}]),
    quote_body(lines=[{"quantity": 1, "unit_price_vnd": 1}]),
    quote_body(lines="many"),
    quote_body(valid_until="2026-02-30"),
    quote_body(valid_until="tomorrow"),
    quote_body(valid_until=1_900_000_000),
    quote_body(valid_until="1999-01-01"),
    quote_body(valid_until="9999-12-31"),
    quote_body(lead_time_days=BIG),
    quote_body(lead_time_days=-1),
    quote_body(payment_terms="bitcoin"),
    quote_body(payment_terms="deposit"),
    quote_body(payment_terms="deposit", deposit_percent=100),
    quote_body(payment_terms="cod", deposit_percent=10),
    quote_body(cooperative="0" * 1000),
    quote_body(note="n" * 2001),
    quote_body(delivery_terms="\x00"),
]


@pytest.mark.parametrize("body", HOSTILE_QUOTES, ids=range(len(HOSTILE_QUOTES)))
def test_hostile_quotes_are_refused_without_a_500(trade, body):
    answer = call(client_for(trade.rice.quoter), "post", f"/rfqs/{trade.rfq.pk}/quotes", body)
    assert answer.status_code in (400, 404), (answer.status_code, answer.content)
    assert "detail" in answer.json()
    assert not Quote.objects.exists()


HOSTILE_PATHS = [
    ("get", "/rfqs/0/quotes"),
    ("get", "/rfqs/-1/quotes"),
    ("get", f"/rfqs/{BIG}/quotes"),
    ("get", "/rfqs/abc/quotes"),
    ("post", f"/quotes/{BIG}/accept"),
    ("post", "/quotes/9223372036854775807/accept"),
    ("post", "/quotes/1.5/withdraw"),
    ("get", "/rfqs/{rfq}/messages?cooperative=%00"),
    ("get", "/rfqs/{rfq}/messages?cooperative=" + "9" * 100),
    ("get", "/rfqs/{rfq}/messages?cooperative={tax_code}&limit=100000"),
    ("get", "/rfqs/{rfq}/messages?cooperative={tax_code}&offset=-1"),
]


@pytest.mark.parametrize(("method", "path"), HOSTILE_PATHS)
def test_hostile_ids_and_parameters_are_refused_without_a_500(trade, method, path):
    url = path.format(rfq=trade.rfq.pk, tax_code=trade.rice.tax_code)
    answer = call(client_for(trade.buyer), method, url)
    assert answer.status_code in (400, 404), (answer.status_code, answer.content)


HOSTILE_ACCEPTS = [
    "{",
    {"shipping": "here"},
    {"shipping": {"name": "A"}},
    lambda: {"shipping": shipping(province="\x00")},
    lambda: {"shipping": shipping(ward="99999")},
    {"note": "n" * 501},
    {"revision": BIG},
    {"revision": "2"},
]


@pytest.mark.parametrize("body", HOSTILE_ACCEPTS, ids=range(len(HOSTILE_ACCEPTS)))
def test_hostile_accepts_are_refused_without_a_500(trade, body):
    quote = qf.quote(trade.rfq, trade.rice)
    body = body() if callable(body) else body
    answer = call(client_for(trade.buyer), "post", f"/quotes/{quote.pk}/accept", body)
    assert answer.status_code == 400, (answer.status_code, answer.content)
    quote.refresh_from_db()
    assert quote.status == "sent"


@pytest.mark.parametrize("body", ["", " ", "x" * 4001, "\x00", None, 12])
def test_hostile_messages_are_refused_without_a_500(trade, body):
    url = f"/rfqs/{trade.rfq.pk}/messages?cooperative={trade.rice.tax_code}"
    answer = call(client_for(trade.buyer), "post", url, {"body": body})
    assert answer.status_code == 400, (answer.status_code, answer.content)
    assert not RfqMessage.objects.exists()


DOCUMENTED = {
    ("post", "/api/v1/rfqs/{rfq_id}/quotes"): {"201", "400", "401", "403", "404", "409"},
    ("get", "/api/v1/rfqs/{rfq_id}/quotes"): {"200", "400", "401", "403", "404"},
    ("post", "/api/v1/quotes/{quote_id}/accept"): {"201", "400", "401", "403", "404", "409"},
    ("post", "/api/v1/quotes/{quote_id}/withdraw"): {"200", "400", "401", "403", "404", "409"},
    ("get", "/api/v1/quotes/{quote_id}/pdf"): {"200", "400", "401", "403", "404"},
    ("get", "/api/v1/rfqs/{rfq_id}/messages"): {"200", "400", "401", "403", "404"},
    ("post", "/api/v1/rfqs/{rfq_id}/messages"): {"201", "400", "401", "403", "404"},
}


def test_the_openapi_document_lists_every_quote_route_with_its_answers(client):
    document = client.get("/api/v1/openapi.json").json()
    for (method, path), codes in DOCUMENTED.items():
        operation = document["paths"][path][method]
        assert set(operation["responses"]) == codes, (method, path)
        assert operation["security"], (method, path)
    pdf = document["paths"]["/api/v1/quotes/{quote_id}/pdf"]["get"]["responses"]["200"]
    assert "application/pdf" in pdf["content"]
