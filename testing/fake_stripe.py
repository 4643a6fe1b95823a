"""A fake of the few Stripe API endpoints shop.online uses, over real HTTP on 127.0.0.1.

The real stripe-python client is pointed at it (``STRIPE_API_BASE``). It
keeps PaymentIntents and refunds in memory, honours ``Idempotency-Key`` (the
same key answers with what the first request made), and on demand answers a
creation with 500 or sleeps past the client's timeout — both *after* making
the PaymentIntent, as a real outage can, so a retry with a new key would
show up as a second PaymentIntent.

For the demo (and the browser test) it also stands in for Stripe.js, which
cannot load here: ``GET /v3/`` serves a small script with the same calls the
pay page makes (``Stripe()``, ``elements().create().mount()``,
``confirmPayment()``). Its form offers a test card that succeeds and one that
is declined; confirming asks this fake to confirm the PaymentIntent, which
then sends the signed webhook to the shop, as Stripe does. Run it alone with
``python -m testing.fake_stripe`` (``make stripe-fake``).
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.request
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
    def __init__(self, *, port: int = 0, webhook_url: str = "", webhook_secret: str = ""):
        self.webhook_url = webhook_url  # where confirmations are announced, signed
        self.webhook_secret = webhook_secret
        self.webhooks: list[tuple[str, int]] = []  # (event type, HTTP status of the shop)
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.by_key: dict[str, tuple[int, dict]] = {}
        self.requests: list[tuple[str, str, str]] = []  # (method, path, idempotency key)
        self.sabotage: list[str] = []  # "500" or "timeout", for the next creations
        self.sleep_seconds = 2.0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
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

    def confirm(self, intent_id: str, *, client_secret: str, outcome: str) -> tuple[int, dict]:
        """What Stripe.js's confirmPayment does at Stripe: charge the test card, tell the shop."""
        intent = self.intents.get(intent_id)
        if intent is None or intent["client_secret"] != client_secret:
            return 404, error("resource_missing", f"No such payment_intent: '{intent_id}'")
        if intent["status"] not in {"requires_payment_method", "requires_confirmation"}:
            return 400, error(
                "payment_intent_unexpected_state",
                f"This PaymentIntent's status is {intent['status']}.",
            )
        if outcome == "decline":
            intent = self.fail(intent_id)
            event_type = "payment_intent.payment_failed"
            answer = (402, {"error": {**intent["last_payment_error"], "type": "card_error"}})
        else:
            intent = self.succeed(intent_id)
            event_type = "payment_intent.succeeded"
            answer = (200, intent)
        if self.webhook_url:
            threading.Thread(
                target=self.send_webhook, args=(event_type, intent), daemon=True
            ).start()
        return answer

    def send_webhook(self, event_type: str, intent: dict) -> int:
        payload = event_payload(event_id=self._new_id("evt"), type=event_type, intent=intent)
        request = urllib.request.Request(
            self.webhook_url,
            data=payload.encode(),
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": signature_header(payload, secret=self.webhook_secret),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as refused:
            status = refused.code
        except OSError:
            status = 0
        self.webhooks.append((event_type, status))
        return status

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

            def _answer(
                self, status: int, body: dict | str, content_type: str = "application/json"
            ) -> None:
                raw = (body if isinstance(body, str) else json.dumps(body)).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    # The browser's Stripe.js (this fake's) calls from the shop's origin.
                    self.send_header("Access-Control-Allow-Origin", "*")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def do_GET(self):
                fake.requests.append(("GET", self.path, ""))
                if self.path.split("?")[0].rstrip("/") == "/v3":
                    return self._answer(200, STRIPE_JS % {"api": fake.url}, "text/javascript")
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
                        elif path.startswith("/v1/payment_intents/") and path.endswith("/confirm"):
                            status, body = fake.confirm(
                                path.split("/")[3],
                                client_secret=form.get("client_secret", ""),
                                outcome=form.get("outcome", "succeed"),
                            )
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


STRIPE_JS = """// A stand-in for Stripe.js (v3), served by the fake Stripe for tests and the offline demo.
(function () {
  var api = "%(api)s";
  window.Stripe = function () {
    return {
      elements: function (options) {
        var secret = options.clientSecret;
        return {
          clientSecret: secret,
          create: function () {
            return {
              mount: function (selector) {
                var box = document.querySelector(selector);
                box.innerHTML =
                  '<fieldset class="border rounded p-3" id="fake-stripe-element">' +
                  "<legend class=\\"w-auto small\\">Stripe (test mode) 测试模式</legend>" +
                  '<label class="d-block"><input type="radio" name="fake-outcome" value="succeed" checked> ' +
                  "4242 4242 4242 4242 — 成功 succeeds</label>" +
                  '<label class="d-block"><input type="radio" name="fake-outcome" value="decline"> ' +
                  "4000 0000 0000 0002 — 拒绝 declined</label></fieldset>";
              },
            };
          },
        };
      },
      confirmPayment: function (args) {
        var secret = args.elements.clientSecret;
        var id = secret.split("_secret")[0];
        var picked = document.querySelector('input[name="fake-outcome"]:checked');
        var body = "client_secret=" + encodeURIComponent(secret) +
          "&outcome=" + (picked ? picked.value : "succeed");
        return fetch(api + "/v1/payment_intents/" + id + "/confirm", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: body,
        })
          .then(function (response) { return response.json(); })
          .then(function (answer) {
            if (answer.error) {
              return { error: answer.error };
            }
            var back = args.confirmParams.return_url;
            window.location.href = back + (back.indexOf("?") < 0 ? "?" : "&") +
              "payment_intent=" + id + "&redirect_status=" + answer.status;
            return new Promise(function () {});
          });
      },
    };
  };
})();
"""


def main() -> None:
    """Run the fake alone, for the demo: ``python -m testing.fake_stripe``."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url", default="http://127.0.0.1:8000/stripe/webhook/")
    parser.add_argument("--webhook-secret", default="whsec_taibao_demo")
    options = parser.parse_args()
    fake = FakeStripe(
        port=options.port, webhook_url=options.webhook_url, webhook_secret=options.webhook_secret
    )
    print(f"Fake Stripe on {fake.url}; webhooks to {options.webhook_url}", flush=True)
    try:
        fake.server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
