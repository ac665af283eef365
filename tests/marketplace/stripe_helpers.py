"""Helpers for tests that pay by card against localstripe, or deliver Stripe webhooks themselves.

localstripe (GPL-3.0) runs as a separate process, started through scripts/localstripe.sh from
its own virtualenv; these helpers only speak HTTP to it, with the standard library.

- `sign_webhook(payload, secret)` gives the `Stripe-Signature` header Stripe would send.
- `pay_intent(localstripe_url, intent_id)` pays an intent with a test card, as a buyer would on
  the checkout page, so tests can make a PaymentIntent succeed (or fail, with a declining card).
- `register_webhook(localstripe_url, url=..., secret=...)` makes localstripe post its events there.
"""

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# localstripe accepts any key of this shape.
SECRET_KEY = "sk_test_localstripe"
PUBLISHABLE_KEY = "pk_test_localstripe"
WEBHOOK_SECRET = "whsec_test_localstripe"

VISA = "4242424242424242"
# localstripe's own test numbers: a charge it declines, and one that asks for 3-D Secure.
DECLINED = "4000000000000341"
NEEDS_3DS = "4000002500003155"


def sign_webhook(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header for `payload`: `t=<unix time>,v1=<HMAC-SHA256 of "t.payload">`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def pay_intent(localstripe_url: str, intent_id: str, card_number: str = VISA) -> dict:
    """Pay the intent with a card, through localstripe's API, and return the intent as it is then.

    localstripe cannot confirm with a payment method given to `confirm` (it answers 500, "Not
    implemented"), so this creates the card's PaymentMethod, sets it on the intent, then confirms.
    With `VISA` the intent ends `succeeded`; with `DECLINED` it goes back to
    `requires_payment_method` (localstripe answers the confirm with 402); with `NEEDS_3DS` it stays
    `requires_action`. localstripe sends `payment_intent.succeeded` or `payment_intent.payment_failed`
    to its registered webhooks a second later.
    """
    method = _call(
        localstripe_url,
        "/v1/payment_methods",
        {
            "type": "card",
            "card[number]": card_number,
            "card[exp_month]": "12",
            "card[exp_year]": "2030",
            "card[cvc]": "123",
        },
    )
    _call(localstripe_url, f"/v1/payment_intents/{intent_id}", {"payment_method": method["id"]})
    try:
        _call(localstripe_url, f"/v1/payment_intents/{intent_id}/confirm", {})
    except urllib.error.HTTPError as error:
        if error.code != 402:  # a declined card is an answer, not a failure of the helper
            raise
    return _call(localstripe_url, f"/v1/payment_intents/{intent_id}")


def register_webhook(
    localstripe_url: str, *, url: str, secret: str, name: str = "tests", events: list[str] | None = None
) -> None:
    """Make localstripe post its events to `url`, signed with `secret`.

    localstripe keeps webhooks for its whole life (here, the test session) and has no way to
    remove one: registering the same `name` again replaces it.
    """
    fields = [("url", url), ("secret", secret)] + [("events[]", event) for event in events or []]
    body = urllib.parse.urlencode(fields).encode()
    _open(f"{localstripe_url}/_config/webhooks/{name}", data=body).close()


def _call(localstripe_url: str, path: str, fields: dict[str, str] | None = None) -> dict:
    data = urllib.parse.urlencode(fields).encode() if fields is not None else None
    with _open(
        f"{localstripe_url}{path}", data=data, headers={"Authorization": f"Bearer {SECRET_KEY}"}
    ) as answer:
        return json.load(answer)


def _open(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 10):
    # Only ever our own loopback servers.
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"Not a loopback URL: {url}")
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        _open(f"{url}/js.stripe.com/v3/", timeout=1).close()
    except OSError:
        return False
    return True


def start_localstripe(log_path: Path, timeout: float = 30.0) -> tuple[subprocess.Popen, str]:
    """Start localstripe on a free loopback port; (process, base URL), or RuntimeError saying why."""
    venv = Path(os.environ.get("LOCALSTRIPE_VENV", ROOT / ".venv-localstripe"))
    if not (venv / "bin" / "gunicorn").exists():
        raise RuntimeError(f"localstripe is not installed in {venv} (run `make localstripe`)")
    for _attempt in range(3):  # another process may take the free port before localstripe binds it
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [ROOT / "scripts" / "localstripe.sh", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "LOCALSTRIPE_VENV": str(venv)},
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if answers(url):
                return process, url
            time.sleep(0.1)
        stop_localstripe(process)
    log_tail = log_path.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"localstripe did not start; its log ends:\n{log_tail}")


def stop_localstripe(process: subprocess.Popen) -> None:
    """Stop gunicorn and its worker: the process group the start made for them."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
