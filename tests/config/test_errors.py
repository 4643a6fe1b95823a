"""Errors go to Sentry when SENTRY_DSN is set: a real sentry-sdk client posts to a local stand-in."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in its own process, so that Sentry's client and its patches stay out of this one.
SCRIPT = """
import django
django.setup()
import sentry_sdk
from django.test import Client
from config import health

def broken():
    raise ZeroDivisionError("the health report broke")

health.health_report = broken
client = Client(raise_request_exception=False, HTTP_HOST="localhost")
response = client.get("/healthz", HTTP_X_REQUEST_ID="req-sentry-00000001")
print(response.status_code)
sentry_sdk.flush(timeout=10)
"""


class Collector(BaseHTTPRequestHandler):
    envelopes: list[bytes] = []

    def do_POST(self):  # Sentry's envelope endpoint
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        Collector.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_an_unhandled_error_reaches_sentry_with_the_request_id_and_no_cookies():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SENTRY_DSN": f"http://public@127.0.0.1:{server.server_port}/1",
        }
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.shutdown()
    assert result.stdout.strip().splitlines()[-1] == "500", result.stderr
    events = []
    for envelope in Collector.envelopes:
        for line in envelope.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and "exception" in item:
                events.append(item)
    (event,) = events
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "ZeroDivisionError"
    assert event["tags"]["request_id"] == "req-sentry-00000001"
    assert "cookies" not in event.get("request", {})


def test_without_a_dsn_no_sentry_client_is_made():
    import sentry_sdk

    assert not sentry_sdk.get_client().is_active()
