"""A recording stand-in for Stripe's API on 127.0.0.1, for what localstripe ignores.

localstripe speaks the API but takes no notice of the Idempotency-Key and Stripe-Version headers,
so the gateway's headers and request bodies are checked here instead, as the Elasticsearch engine
is checked against its stub. It answers the few routes the gateway uses with minimal valid JSON,
records every request (method, path, headers, form fields), and can be told to fail.
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), None)


class RecordingStripeStub:
    """Use as a context manager; `url` is its base URL, `requests` what it received.

    `fail_with` (an HTTP status) makes the next answers errors, `fail_times` how many of them
    (None: all); `delay` (seconds) holds every answer back, to try timeouts; `next_answer`
    (status, JSON) replaces the next answer. Any POST it has no route for is still recorded
    (answered 404), so it can also stand as a webhook receiver.
    """

    def __init__(self):
        self.requests: list[RecordedRequest] = []
        self.fail_with: int | None = None
        self.fail_times: int | None = None
        self.delay = 0.0
        self.next_answer: tuple[int, dict] | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def answer(self, method: str, path: str, form: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            if self.next_answer is not None:
                answer, self.next_answer = self.next_answer, None
                return answer
            if self.fail_with is not None and (self.fail_times is None or self.fail_times > 0):
                if self.fail_times is not None:
                    self.fail_times -= 1
                return self.fail_with, {
                    "error": {"type": "api_error", "message": "The stub was told to fail."}
                }
        route = path.split("?")[0]
        if method == "POST" and route == "/v1/payment_intents":
            return 200, _intent(form, "pi_stub1")
        if method == "GET" and route.startswith("/v1/payment_intents/"):
            return 200, _intent({"amount": "150000", "currency": "vnd"}, route.rsplit("/", 1)[1])
        if method == "POST" and route == "/v1/refunds":
            return 200, {
                "id": "re_stub1",
                "object": "refund",
                "amount": int(form["amount"]),
                "currency": "vnd",
                "payment_intent": form["payment_intent"],
                "status": "succeeded",
            }
        return 404, {"error": {"type": "invalid_request_error", "message": f"No route {method} {route}"}}

    def _handler_class(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                form = {key: values[0] for key, values in parse_qs(body.decode(errors="replace")).items()}
                stub.requests.append(RecordedRequest(self.command, self.path, dict(self.headers), form, body))
                if stub.delay:
                    time.sleep(stub.delay)
                status, payload = stub.answer(self.command, self.path, form)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Request-Id", f"req_stub{len(stub.requests)}")
                    self.end_headers()
                    self.wfile.write(data)
                except ConnectionError:
                    pass  # the client gave up waiting (the timeout test)

            do_GET = do_POST = _serve

            def log_message(self, format, *args):
                pass

        return Handler


def _intent(form: dict[str, str], intent_id: str) -> dict:
    metadata = {
        key[len("metadata[") : -1]: value for key, value in form.items() if key.startswith("metadata[")
    }
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": int(form["amount"]),
        "currency": form["currency"],
        "client_secret": f"{intent_id}_secret_stub",
        "metadata": metadata,
        "status": "requires_payment_method",
    }
