"""A fake of the few Stripe API endpoints shop.online uses, over real HTTP on 127.0.0.1.

The real stripe-python client is pointed at it (``STRIPE_API_BASE``). It
keeps PaymentIntents and refunds in memory, honours ``Idempotency-Key`` (the
same key answers with what the first request made), and on demand answers a
creation with 500 or sleeps past the client's timeout — both *after* making
the PaymentIntent, as a real outage can, so a retry with a new key would
show up as a second PaymentIntent.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


def parse_form(body: str) -> dict:
    """Stripe's form encoding (``metadata[key]=v``, ``list[0]=v``) → flat keys and a metadata dict."""
    data: dict = {"metadata": {}}
    for key, value in parse_qsl(body, keep_blank_values=True):
        if key.startswith("metadata["):
            data["metadata"][key[len("metadata[") : -1]] = value
        else:
            data[key] = value
    return data


class FakeStripe:
    def __init__(self):
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.by_key: dict[str, tuple[int, dict]] = {}
        self.requests: list[tuple[str, str, str]] = []  # (method, path, idempotency key)
        self.sabotage: list[str] = []  # "500" or "timeout", for the next creations
        self.sleep_seconds = 2.0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeStripe":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what tests make happen at "Stripe" ------------------------------------------------

    def succeed(self, intent_id: str, *, amount_received: int | None = None) -> dict:
        intent = self.intents[intent_id]
        intent.update(
            status="succeeded",
            amount_received=intent["amount"] if amount_received is None else amount_received,
            last_payment_error=None,
        )
        return dict(intent)

    def fail(self, intent_id: str, message: str = "Your card was declined.") -> dict:
        intent = self.intents[intent_id]
        intent.update(
            status="requires_payment_method",
            last_payment_error={"code": "card_declined", "message": message},
        )
        return dict(intent)

    def process(self, intent_id: str) -> dict:
        self.intents[intent_id]["status"] = "processing"
        return dict(self.intents[intent_id])

    def creations(self) -> list[tuple[str, str, str]]:
        return [r for r in self.requests if r[:2] == ("POST", "/v1/payment_intents")]

    # -- the API --------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):06d}"

    def create_intent(self, form: dict) -> tuple[int, dict]:
        intent_id = self._new_id("pi")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(form["amount"]),
            "amount_received": 0,
            "currency": form["currency"],
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_fake",
            "last_payment_error": None,
            "metadata": form["metadata"],
            "payment_method_types": [
                v for k, v in form.items() if k.startswith("payment_method_types")
            ],
        }
        self.intents[intent_id] = intent
        return 200, intent

    def cancel_intent(self, intent_id: str) -> tuple[int, dict]:
        intent = self.intents.get(intent_id)
        if intent is None:
            return 404, error("resource_missing", f"No such payment_intent: '{intent_id}'")
        if intent["status"] in {"succeeded", "canceled", "processing"}:
            return 400, error(
                "payment_intent_unexpected_state",
                f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}.",
            )
        intent["status"] = "canceled"
        return 200, intent

    def create_refund(self, form: dict) -> tuple[int, dict]:
        intent = self.intents.get(form.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return 400, error("charge_not_refundable", "This PaymentIntent cannot be refunded.")
        amount = int(form.get("amount") or intent["amount_received"])
        refunded = sum(
            r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"]
        )
        if refunded + amount > intent["amount_received"]:
            return 400, error(
                "amount_too_large", "Refund amount is greater than unrefunded amount."
            )
        refund = {
            "id": self._new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
            "metadata": form["metadata"],
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict) -> None:
                raw = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def do_GET(self):
                fake.requests.append(("GET", self.path, ""))
                parts = self.path.split("?")[0].strip("/").split("/")
                if len(parts) == 3 and parts[1] == "payment_intents" and parts[2] in fake.intents:
                    return self._answer(200, fake.intents[parts[2]])
                return self._answer(404, error("resource_missing", f"No such object: {self.path}"))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_form(self.rfile.read(length).decode())
                key = self.headers.get("Idempotency-Key", "")
                path = self.path.split("?")[0].rstrip("/")
                fake.requests.append(("POST", path, key))
                sabotage = None
                with fake._lock:
                    if key and key in fake.by_key:
                        status, body = fake.by_key[key]
                    else:
                        if path == "/v1/payment_intents":
                            status, body = fake.create_intent(form)
                            if fake.sabotage:
                                sabotage = fake.sabotage.pop(0)
                        elif path.startswith("/v1/payment_intents/") and path.endswith("/cancel"):
                            status, body = fake.cancel_intent(path.split("/")[3])
                        elif path == "/v1/refunds":
                            status, body = fake.create_refund(form)
                        else:
                            status, body = 404, error("resource_missing", path)
                        if key:
                            fake.by_key[key] = (status, body)
                if sabotage == "500":
                    return self._answer(500, {"error": {"type": "api_error", "message": "boom"}})
                if sabotage == "timeout":
                    time.sleep(fake.sleep_seconds)
                return self._answer(status, body)

        return Handler


def error(code: str, message: str) -> dict:
    return {"error": {"type": "invalid_request_error", "code": code, "message": message}}


def signature_header(payload: str, *, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send: t=<ts>,v1=HMAC-SHA256(secret, "t.payload")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_payload(*, event_id: str, type: str, intent: dict) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": type,
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "data": {"object": intent},
        }
    )
