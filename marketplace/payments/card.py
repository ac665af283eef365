"""Card payments through Stripe PaymentIntents: the one module that talks to the card processor.

Like catalog/search's engines, the processor sits behind a small boundary. The rest of the
marketplace asks `card_gateway()` for a `CardGateway` (None when card payment is not configured,
so the page does not offer it), and gets plain frozen dataclasses back, never Stripe objects.
Anything that goes wrong between us and the processor (unreachable, timed out, refused, an
answer we cannot read) becomes a `CardGatewayError`; a webhook whose signature, timestamp or body
does not hold up becomes `WebhookRejected`.

Amounts are whole đồng: VND is a zero-decimal currency at Stripe, so 150 000 đ is sent as
`amount=150000`, never multiplied by 100. Every write carries an idempotency key made by the
caller from our own row ids; the client retries network failures with that same key, so a retry
can never charge or refund twice. The API version is pinned and sent with every request.

No Django model is imported here: the services decide what to charge and record the outcome.
See docs/payments.md.
"""

import logging
import urllib.parse
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The version the installed `stripe` package was generated for (stripe.api_version). It is sent
# explicitly so that upgrading the package never silently changes the API we speak; a test fails
# when the two drift apart, as a reminder to read Stripe's changelog before moving the pin.
STRIPE_API_VERSION = "2026-10-28.endive"
CURRENCY = "vnd"
DEFAULT_API_BASE = "https://api.stripe.com"
# Seconds to wait for one answer, and how many times the client retries a network failure, a 409
# or a 5xx (with back-off, reusing our idempotency key).
TIMEOUT_SECONDS = 20.0
MAX_NETWORK_RETRIES = 2


@dataclass(frozen=True)
class Intent:
    """A PaymentIntent as the marketplace needs it. `status` is Stripe's own word
    (requires_payment_method, requires_action, processing, succeeded, canceled, ...)."""

    id: str
    client_secret: str
    status: str
    amount_vnd: int
    currency: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    """A refund as Stripe reports it: `status` is pending, succeeded, failed, canceled or requires_action."""

    id: str
    status: str
    amount_vnd: int


class CardGatewayError(Exception):
    """The card processor could not be reached, timed out, refused the request or answered nonsense.

    `str(error)` is a short message fit to show staff; `detail` is the processor's own words
    (for logs), `code` Stripe's error code when it gave one, and `http_status` its answer's status.
    """

    def __init__(self, message: str, *, detail: str = "", code: str = "", http_status: int | None = None):
        super().__init__(message)
        self.detail = detail
        self.code = code
        self.http_status = http_status


class WebhookRejected(Exception):
    """A webhook delivery whose signature, timestamp or body does not hold up. Answer 400, change nothing."""


class CardGateway:
    """Stripe PaymentIntents and refunds through one `StripeClient` (never the global `stripe.api_key`)."""

    def __init__(
        self,
        *,
        secret_key: str,
        publishable_key: str,
        webhook_secret: str,
        api_base: str = DEFAULT_API_BASE,
        js_url: str = "https://js.stripe.com/v3/",
        timeout: float = TIMEOUT_SECONDS,
        max_network_retries: int = MAX_NETWORK_RETRIES,
    ):
        if not (secret_key and publishable_key and webhook_secret):
            raise ValueError("A card gateway needs a secret key, a publishable key and a webhook secret.")
        self.publishable_key = publishable_key
        self.js_url = js_url
        self.api_base = api_base.rstrip("/")
        self._webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            secret_key,
            stripe_version=STRIPE_API_VERSION,
            base_addresses={"api": self.api_base},
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def create_intent(self, *, amount_vnd: int, idempotency_key: str, metadata: dict[str, str]) -> Intent:
        """A PaymentIntent for `amount_vnd` đồng, paid by card.

        `idempotency_key` must come from our own row (e.g. the purchase's id): the same key
        gives back the same intent at Stripe, however often it is sent within 24 hours.
        """
        _check_amount(amount_vnd)
        _check_key(idempotency_key)
        _check_metadata(metadata)
        params: Any = {
            "amount": amount_vnd,
            "currency": CURRENCY,
            # Cards only, named explicitly rather than `automatic_payment_methods`: cards are the
            # only method we settle through Stripe, the Payment Element accepts either, and
            # localstripe (our test stand-in) refuses `automatic_payment_methods`.
            "payment_method_types": ["card"],
            "metadata": dict(metadata),
        }
        intent = self._call(
            self._client.v1.payment_intents.create,
            params=params,
            options={"idempotency_key": idempotency_key},
        )
        return self._intent(intent)

    def retrieve_intent(self, intent_id: str) -> Intent:
        """The intent as Stripe knows it now: the webhook re-reads it rather than trust its payload."""
        if not isinstance(intent_id, str) or not intent_id.startswith("pi_"):
            raise ValueError(f"Not a PaymentIntent id: {intent_id!r}")
        return self._intent(self._call(self._client.v1.payment_intents.retrieve, intent_id))

    def refund(self, *, intent_id: str, amount_vnd: int, idempotency_key: str) -> RefundResult:
        """Refund `amount_vnd` đồng (all or part) of a paid intent."""
        if not isinstance(intent_id, str) or not intent_id.startswith("pi_"):
            raise ValueError(f"Not a PaymentIntent id: {intent_id!r}")
        _check_amount(amount_vnd)
        _check_key(idempotency_key)
        params: Any = {"payment_intent": intent_id, "amount": amount_vnd}
        refund = self._call(
            self._client.v1.refunds.create, params=params, options={"idempotency_key": idempotency_key}
        )
        try:
            data = refund.to_dict()
            return RefundResult(
                id=str(data["id"]), status=str(data["status"]), amount_vnd=int(data["amount"])
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise _unreadable(error) from error

    @property
    def is_local_stand_in(self) -> bool:
        """Whether the API is a stand-in on this machine (localstripe), never Stripe itself."""
        host = urllib.parse.urlsplit(self.api_base).hostname or ""
        return host in ("127.0.0.1", "localhost", "::1")

    def pay_with_test_card(
        self, *, intent_id: str, number: str, exp_month: str, exp_year: str, cvc: str
    ) -> Intent:
        """Development only: pay an intent on the local stand-in with a test card's details.

        localstripe's Stripe.js has no `confirmPayment`, so the development shim
        (static/js/localstripe-confirm.js) sends the test card here. Real Stripe never receives raw
        card numbers from us: this refuses to run unless the API is on this machine.
        """
        if not self.is_local_stand_in:
            raise CardGatewayError(_("Test cards are accepted only by the local stand-in."))
        card = {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}
        method = self._call(self._client.v1.payment_methods.create, params={"type": "card", "card": card})
        self._call(self._client.v1.payment_intents.update, intent_id, params={"payment_method": method["id"]})
        try:
            self._call(self._client.v1.payment_intents.confirm, intent_id)
        except CardGatewayError as error:
            if error.http_status != 402:  # a declined card is an answer; the intent says so
                raise
        return self.retrieve_intent(intent_id)

    def construct_event(self, *, payload: bytes, signature_header: str) -> dict:
        """The verified event as a plain dict, or WebhookRejected.

        Checks the `Stripe-Signature` header against STRIPE_WEBHOOK_SECRET over the exact bytes
        received, refuses a timestamp older than Stripe's tolerance (5 minutes), and a body that
        is not a JSON event.
        """
        try:
            event = self._client.construct_event(payload, signature_header, self._webhook_secret)
            data = event.to_dict()
        except stripe.SignatureVerificationError as error:
            raise WebhookRejected(str(error)) from error
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            # A bad UTF-8 body or JSON that is not an object, under a valid signature.
            raise WebhookRejected(f"Unreadable event: {error}") from error
        if not isinstance(data.get("id"), str) or not isinstance(data.get("type"), str):
            raise WebhookRejected("The event has no id or type.")
        return data

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except stripe.APIConnectionError as error:
            logger.warning("Card processor unreachable at %s: %s", self.api_base, error)
            raise CardGatewayError(
                _("The card processor could not be reached. Try again in a moment."), detail=str(error)
            ) from error
        except stripe.StripeError as error:
            logger.warning("Card processor refused a request (%s): %s", error.http_status, error)
            raise CardGatewayError(
                _("The card processor refused the request: %(reason)s")
                % {"reason": error.user_message or type(error).__name__},
                detail=str(error),
                code=error.code or "",
                http_status=error.http_status,
            ) from error

    @staticmethod
    def _intent(intent) -> Intent:
        try:
            data = intent.to_dict()
            return Intent(
                id=str(data["id"]),
                client_secret=str(data["client_secret"]),
                status=str(data["status"]),
                amount_vnd=int(data["amount"]),
                currency=str(data["currency"]),
                metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise _unreadable(error) from error


def card_gateway() -> CardGateway | None:
    """The configured gateway, or None: card payment is offered only when STRIPE_SECRET_KEY,
    STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET are all set."""
    secret_key = getattr(settings, "STRIPE_SECRET_KEY", "")
    publishable_key = getattr(settings, "STRIPE_PUBLISHABLE_KEY", "")
    webhook_secret = getattr(settings, "STRIPE_WEBHOOK_SECRET", "")
    if not (secret_key and publishable_key and webhook_secret):
        return None
    return _gateway(
        secret_key,
        publishable_key,
        webhook_secret,
        getattr(settings, "STRIPE_API_BASE", "") or DEFAULT_API_BASE,
        getattr(settings, "STRIPE_JS_URL", "") or "https://js.stripe.com/v3/",
    )


@lru_cache(maxsize=4)
def _gateway(
    secret_key: str, publishable_key: str, webhook_secret: str, api_base: str, js_url: str
) -> CardGateway:
    # One client per configuration, so its HTTP connections are pooled across requests.
    return CardGateway(
        secret_key=secret_key,
        publishable_key=publishable_key,
        webhook_secret=webhook_secret,
        api_base=api_base,
        js_url=js_url,
    )


def _check_amount(amount_vnd: int) -> None:
    if type(amount_vnd) is not int or amount_vnd <= 0:
        raise ValueError(f"An amount is a positive whole number of đồng, not {amount_vnd!r}.")


def _check_key(idempotency_key: str) -> None:
    # Stripe accepts keys of up to 255 characters.
    if not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= 255:
        raise ValueError("An idempotency key is a string of 1 to 255 characters made from our own row ids.")


def _check_metadata(metadata: dict[str, str]) -> None:
    # Stripe's limits: 50 keys, keys up to 40 characters, values up to 500.
    if len(metadata) > 50 or not all(
        isinstance(k, str) and isinstance(v, str) and 0 < len(k) <= 40 and len(v) <= 500
        for k, v in metadata.items()
    ):
        raise ValueError(
            "Metadata is at most 50 string keys (40 characters) with string values (500 characters)."
        )


def _unreadable(error: Exception) -> CardGatewayError:
    logger.warning("Card processor answered something we cannot read: %r", error)
    return CardGatewayError(_("The card processor gave an answer we could not read."), detail=repr(error))
