"""The card gateway (marketplace/payments/card.py) against localstripe, and against a recording stub.

localstripe runs the real `stripe` client end to end: intents, payment with a test card, refunds,
signed webhooks. It ignores the Idempotency-Key and Stripe-Version headers, so those, the
amounts as sent, and the failures (5xx, refused connections, timeouts) are checked on the stub.
"""

import json
import time

import pytest
import stripe

from marketplace.payments.card import (
    STRIPE_API_VERSION,
    CardGateway,
    CardGatewayError,
    WebhookRejected,
    card_gateway,
)
from tests.marketplace import stripe_helpers
from tests.marketplace.stripe_helpers import DECLINED, NEEDS_3DS, WEBHOOK_SECRET, pay_intent, sign_webhook


@pytest.fixture
def stub_settings(settings, stripe_stub):
    settings.STRIPE_SECRET_KEY = "sk_test_stub"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_stub"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = stripe_stub.url
    return settings


def _new_intent(gateway, amount_vnd=150_000, key=None):
    return gateway.create_intent(
        amount_vnd=amount_vnd,
        idempotency_key=key or f"test-purchase-{time.monotonic_ns()}",
        metadata={"purchase": "7", "payment_code": "HTX03NQK8N1"},
    )


# Configuration


def test_pinned_api_version_is_the_one_the_installed_stripe_package_speaks():
    assert STRIPE_API_VERSION == stripe.api_version


@pytest.mark.parametrize("missing", ["STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"])
def test_no_gateway_unless_all_three_keys_are_set(settings, missing):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert card_gateway() is not None
    setattr(settings, missing, "")
    assert card_gateway() is None


def test_gateway_follows_the_api_base_and_js_settings(card_settings, localstripe):
    gateway = card_gateway()
    assert gateway.api_base == localstripe
    assert gateway.publishable_key == "pk_test_localstripe"
    assert gateway.js_url == f"{localstripe}/js.stripe.com/v3/"


# Against localstripe


def test_created_intent_waits_for_a_card_for_the_whole_dong_amount(card_settings):
    intent = _new_intent(card_gateway(), amount_vnd=150_000)
    assert intent.id.startswith("pi_")
    assert intent.client_secret.startswith(f"{intent.id}_secret_")
    assert intent.status == "requires_payment_method"
    assert (intent.amount_vnd, intent.currency) == (150_000, "vnd")
    assert intent.metadata == {"purchase": "7", "payment_code": "HTX03NQK8N1"}


def test_intent_paid_with_the_test_visa_reads_back_succeeded(card_settings, localstripe):
    gateway = card_gateway()
    intent = _new_intent(gateway, amount_vnd=275_000)
    assert pay_intent(localstripe, intent.id)["status"] == "succeeded"
    paid = gateway.retrieve_intent(intent.id)
    assert (paid.status, paid.amount_vnd, paid.currency) == ("succeeded", 275_000, "vnd")
    assert paid.metadata["purchase"] == "7"


def test_declined_card_leaves_the_intent_waiting_for_another(card_settings, localstripe):
    gateway = card_gateway()
    intent = _new_intent(gateway)
    pay_intent(localstripe, intent.id, card_number=DECLINED)
    assert gateway.retrieve_intent(intent.id).status == "requires_payment_method"


def test_card_needing_3d_secure_leaves_the_intent_requiring_action(card_settings, localstripe):
    gateway = card_gateway()
    intent = _new_intent(gateway)
    pay_intent(localstripe, intent.id, card_number=NEEDS_3DS)
    assert gateway.retrieve_intent(intent.id).status == "requires_action"


def test_partial_refund_of_a_paid_intent(card_settings, localstripe):
    gateway = card_gateway()
    intent = _new_intent(gateway, amount_vnd=150_000)
    pay_intent(localstripe, intent.id)
    refund = gateway.refund(intent_id=intent.id, amount_vnd=50_000, idempotency_key=f"refund-{intent.id}-1")
    assert refund.id.startswith("re_")
    assert (refund.status, refund.amount_vnd) == ("succeeded", 50_000)
    charge = stripe_helpers._call(localstripe, f"/v1/payment_intents/{intent.id}")["latest_charge"]
    assert (charge["amount"], charge["amount_refunded"], charge["refunded"]) == (150_000, 50_000, False)


def test_refunding_an_unpaid_intent_is_a_gateway_error(card_settings):
    gateway = card_gateway()
    intent = _new_intent(gateway)
    with pytest.raises(CardGatewayError) as raised:
        gateway.refund(intent_id=intent.id, amount_vnd=1_000, idempotency_key=f"refund-{intent.id}")
    assert raised.value.http_status == 400


def test_unknown_intent_is_a_gateway_error(card_settings):
    with pytest.raises(CardGatewayError) as raised:
        card_gateway().retrieve_intent("pi_doesnotexist")
    assert raised.value.http_status == 404


def test_localstripe_webhook_passes_our_signature_check(card_settings, localstripe, stripe_stub):
    stripe_helpers.register_webhook(
        localstripe,
        url=f"{stripe_stub.url}/webhook",
        secret=WEBHOOK_SECRET,
        events=["payment_intent.succeeded"],
    )
    gateway = card_gateway()
    intent = _new_intent(gateway)
    pay_intent(localstripe, intent.id)
    # localstripe posts each event a second after it happens, to the webhooks registered by then:
    # an earlier test's payment may arrive here too.
    deadline, events = time.monotonic() + 10, []
    while time.monotonic() < deadline and not any(e["data"]["object"]["id"] == intent.id for e in events):
        time.sleep(0.1)
        events = [
            gateway.construct_event(payload=d.body, signature_header=d.header("Stripe-Signature"))
            for d in list(stripe_stub.requests)
        ]
    (event,) = [e for e in events if e["data"]["object"]["id"] == intent.id]
    assert event["type"] == "payment_intent.succeeded"
    assert event["data"]["object"]["amount"] == 150_000
    assert event["data"]["object"]["status"] == "succeeded"


# Webhook verification


@pytest.fixture
def gateway(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return card_gateway()


EVENT = json.dumps(
    {
        "id": "evt_1",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_1", "object": "payment_intent", "amount": 150000, "currency": "vnd"}},
    }
).encode()


def test_correctly_signed_event_is_accepted(gateway):
    event = gateway.construct_event(payload=EVENT, signature_header=sign_webhook(EVENT, WEBHOOK_SECRET))
    assert isinstance(event, dict)
    assert (event["id"], event["type"]) == ("evt_1", "payment_intent.succeeded")
    assert event["data"]["object"] == {
        "id": "pi_1",
        "object": "payment_intent",
        "amount": 150000,
        "currency": "vnd",
    }


@pytest.mark.parametrize(
    ("payload", "header"),
    [
        pytest.param(EVENT, lambda: sign_webhook(EVENT, "whsec_someone_else"), id="wrong-secret"),
        pytest.param(
            EVENT.replace(b"150000", b"1500"), lambda: sign_webhook(EVENT, WEBHOOK_SECRET), id="altered-body"
        ),
        pytest.param(
            EVENT, lambda: sign_webhook(EVENT, WEBHOOK_SECRET, timestamp=int(time.time()) - 301), id="stale"
        ),
        pytest.param(EVENT, "", id="no-header"),
        pytest.param(EVENT, "t=1,v0=abc", id="no-v1-signature"),
        pytest.param(b"not json", lambda: sign_webhook(b"not json", WEBHOOK_SECRET), id="signed-garbage"),
        pytest.param(b"[1, 2]", lambda: sign_webhook(b"[1, 2]", WEBHOOK_SECRET), id="signed-non-object"),
        pytest.param(b"\xff\xfe", lambda: sign_webhook(b"\xff\xfe", WEBHOOK_SECRET), id="not-utf8"),
    ],
)
def test_bad_deliveries_are_rejected(gateway, payload, header):
    # Signed when the test runs, not when the list is made: a signature is stale after 300 seconds.
    header = header() if callable(header) else header
    with pytest.raises(WebhookRejected):
        gateway.construct_event(payload=payload, signature_header=header)


# Against the recording stub: what localstripe does not check


def test_intent_request_carries_our_key_the_pinned_version_and_whole_dong(stub_settings, stripe_stub):
    intent = card_gateway().create_intent(
        amount_vnd=150_000, idempotency_key="purchase-42-card", metadata={"purchase": "42"}
    )
    (request,) = stripe_stub.requests
    assert (request.method, request.path) == ("POST", "/v1/payment_intents")
    assert request.header("Idempotency-Key") == "purchase-42-card"
    assert request.header("Stripe-Version") == STRIPE_API_VERSION
    assert request.header("Authorization") == "Bearer sk_test_stub"
    assert request.form["amount"] == "150000"
    assert request.form["currency"] == "vnd"
    assert request.form["payment_method_types[0]"] == "card"
    assert request.form["metadata[purchase]"] == "42"
    assert (intent.id, intent.amount_vnd, intent.client_secret) == (
        "pi_stub1",
        150_000,
        "pi_stub1_secret_stub",
    )


def test_refund_request_carries_our_key_the_pinned_version_and_whole_dong(stub_settings, stripe_stub):
    refund = card_gateway().refund(intent_id="pi_stub1", amount_vnd=49_500, idempotency_key="refund-9")
    (request,) = stripe_stub.requests
    assert (request.method, request.path) == ("POST", "/v1/refunds")
    assert request.header("Idempotency-Key") == "refund-9"
    assert request.header("Stripe-Version") == STRIPE_API_VERSION
    assert request.form == {"payment_intent": "pi_stub1", "amount": "49500"}
    assert (refund.id, refund.status, refund.amount_vnd) == ("re_stub1", "succeeded", 49_500)


def test_retrieve_sends_the_pinned_version(stub_settings, stripe_stub):
    assert card_gateway().retrieve_intent("pi_abc").id == "pi_abc"
    (request,) = stripe_stub.requests
    assert (request.method, request.path) == ("GET", "/v1/payment_intents/pi_abc")
    assert request.header("Stripe-Version") == STRIPE_API_VERSION


def test_a_retry_after_a_server_error_reuses_our_idempotency_key(stub_settings, stripe_stub):
    stripe_stub.fail_with, stripe_stub.fail_times = 500, 1
    intent = card_gateway().create_intent(amount_vnd=150_000, idempotency_key="purchase-43-card", metadata={})
    assert intent.id == "pi_stub1"
    assert [r.header("Idempotency-Key") for r in stripe_stub.requests] == ["purchase-43-card"] * 2


def test_a_processor_that_keeps_failing_is_a_gateway_error(stub_settings, stripe_stub):
    stripe_stub.fail_with = 500
    with pytest.raises(CardGatewayError) as raised:
        card_gateway().refund(intent_id="pi_stub1", amount_vnd=1_000, idempotency_key="refund-10")
    assert raised.value.http_status == 500
    assert len(stripe_stub.requests) == 3  # the first try and two retries, all with one key
    assert {r.header("Idempotency-Key") for r in stripe_stub.requests} == {"refund-10"}


def test_an_unreachable_processor_is_a_gateway_error(stub_settings):
    stub_settings.STRIPE_API_BASE = f"http://127.0.0.1:{stripe_helpers.free_port()}"
    with pytest.raises(CardGatewayError) as raised:
        card_gateway().retrieve_intent("pi_abc")
    assert raised.value.http_status is None
    assert "Connection" in raised.value.detail


def test_a_processor_that_does_not_answer_in_time_is_a_gateway_error(stripe_stub):
    stripe_stub.delay = 2
    gateway = CardGateway(
        secret_key="sk_test_stub",
        publishable_key="pk_test_stub",
        webhook_secret=WEBHOOK_SECRET,
        api_base=stripe_stub.url,
        timeout=0.3,
        max_network_retries=0,
    )
    started = time.monotonic()
    with pytest.raises(CardGatewayError):
        gateway.retrieve_intent("pi_abc")
    assert time.monotonic() - started < 1.5


def test_an_answer_without_the_intent_fields_is_a_gateway_error(stub_settings, stripe_stub):
    stripe_stub.next_answer = (200, {"object": "payment_intent", "id": "pi_x"})
    with pytest.raises(CardGatewayError):
        card_gateway().retrieve_intent("pi_x")


@pytest.mark.parametrize("amount", [0, -1, 150_000.0, True, "150000"])
def test_an_amount_that_is_not_positive_whole_dong_is_refused_before_sending(
    stub_settings, stripe_stub, amount
):
    with pytest.raises(ValueError, match="whole number"):
        card_gateway().create_intent(amount_vnd=amount, idempotency_key="k", metadata={})
    assert stripe_stub.requests == []
