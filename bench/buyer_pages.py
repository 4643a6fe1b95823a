"""CPU per page of an enterprise buyer's round: what a web worker spends on each request.

What it measures
    The pages one buyer of the load harness (``loadtest/users.py``) asks for in
    one round, in its order: the catalogue, a search, the quick-order page, a
    pasted list checked and then added, the basket, the checkout's delivery
    address (chosen), order form, preview and placement, the thank-you page,
    and the enterprise's orders. For each, the CPU time this process spent
    answering it (``time.process_time``: Django, Oscar, the templates and the
    database driver, not the database server) and its SQL queries; the median
    of ``--runs`` rounds after one round that warms the process. The load
    harness's checkout latency is these costs queued on two cores.

How
    A scratch SQLite database in a temporary directory, or the database in
    ``DATABASE_URL`` (PostgreSQL, as in production); ``migrate``; the demo
    world plus the load harness's buyers (``loadtest.world``); DEBUG off, as in
    production; the Django test client drives the views in process, signed in
    as one buyer. ``cpu_calibration_ms`` is a fixed pure-Python loop timed the
    same way: how fast this machine's cores are, to compare runs across
    machines and days.

The last line printed is one line of JSON:
``{"bench": "buyer_pages", "round_cpu_ms": ..., "per_request_cpu_ms": ..., "pages": {...}}``.

Run from the project root: ``python bench/buyer_pages.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

BUYER = "buyer01@load.example"
LINES = [("TB-CG-JC-500", 3), ("TB-MT-2500", 2), ("TB-DM-5000", 1)]  # ample stock in the demo


def log(message: str) -> None:
    print(message, flush=True)


def production_like_environment(workdir: Path) -> None:
    from cryptography.fernet import Fernet

    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-" + uuid.uuid4().hex,
            "FIELD_ENCRYPTION_KEY": os.environ.get("FIELD_ENCRYPTION_KEY")
            or Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            # the bench repeats one buyer's round: the per-minute limits are not what it measures
            "TAIBAO_RATE_QUICK_ORDER_PER_MIN": "100000",
        }
    )


def world_build(workdir: Path) -> str:
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    from loadtest.world import load_world_build

    load_world_build(buyers=2)
    return connection.vendor


class Round:
    """One buyer's round through the test client, each request's CPU and queries noted."""

    def __init__(self, client):
        self.client = client
        self.cpu_ms: dict[str, list[float]] = defaultdict(list)
        self.queries: dict[str, int] = {}

    def ask(self, name: str, method: str, path: str, data: dict | None = None):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        started = time.process_time()
        with CaptureQueriesContext(connection) as queries:
            if method == "POST":
                response = self.client.post(path, data)
            else:
                response = self.client.get(path)
        self.cpu_ms[name].append((time.process_time() - started) * 1000)
        self.queries[name] = len(queries)
        if response.status_code >= 400:
            raise RuntimeError(f"{name}: {method} {path} answered {response.status_code}")
        return response

    def run(self) -> None:
        self.ask("catalogue", "GET", "/catalogue/")
        self.ask("search", "GET", "/search/?q=马蹄")
        self.ask("quick-order page", "GET", "/quick-order/")
        text = "\n".join(f"{sku} {quantity}" for sku, quantity in LINES)
        self.ask("quick-order check", "POST", "/quick-order/", {"lines": text})
        chosen = {"action": "add", "choose": [str(n) for n in range(1, len(LINES) + 1)]}
        for n, (sku, quantity) in enumerate(LINES, start=1):
            chosen[f"sku_{n}"] = sku
            chosen[f"quantity_{n}"] = str(quantity)
        added = self.ask("quick-order add", "POST", "/quick-order/", chosen)
        basket = self.ask("basket", "GET", added["Location"])
        button = re.search(r'<a href="([^"]+)" id="basket-checkout"', basket.content.decode())
        page = self.ask("delivery address page", "GET", button.group(1) if button else "/checkout/")
        if page.status_code == 302:  # a build whose basket button is Oscar's checkout index
            page = self.ask("delivery address page", "GET", page["Location"])
        address = re.findall(r'name="address_id" value="(\d+)"', page.content.decode())[0]
        chosen = self.ask(
            "delivery address chosen",
            "POST",
            "/checkout/shipping-address/",
            {"address_id": address},
        )
        self.ask("order form", "GET", chosen["Location"])
        form = {
            "po_number": f"PO-{uuid.uuid4().hex[:8]}",
            "payment_method": "bank_transfer",
            "note": "",
        }
        self.ask("preview", "POST", "/checkout/preview/", form)
        placed = self.ask(
            "place order", "POST", "/checkout/preview/", {**form, "action": "place_order"}
        )
        if "/checkout/thank-you/" not in placed.get("Location", ""):
            raise RuntimeError(f"the order was not placed: {placed.status_code}")
        self.ask("thank-you", "GET", placed["Location"])
        self.ask("enterprise orders", "GET", "/enterprise/orders/")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="taibao-bench-"))
    production_like_environment(workdir)
    database = world_build(workdir)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from loadtest.stats import cpu_calibration_ms

    try:
        from config.warmup import warm_up
    except ImportError:  # an older build, measured for comparison
        pass
    else:
        warm_up()  # as gunicorn's master does before forking its workers
    client = Client()
    client.force_login(get_user_model().objects.get(email=BUYER))
    Round(client).run()  # warms this process's own caches
    rounds = Round(client)
    for _run in range(args.runs):
        rounds.run()
    pages = {
        name: {"cpu_ms": round(statistics.median(times), 1), "queries": rounds.queries[name]}
        for name, times in rounds.cpu_ms.items()
    }
    for name, figures in pages.items():
        log(f"{name:26s} {figures['cpu_ms']:7.1f} ms CPU  {figures['queries']:3d} queries")
    total = sum(figures["cpu_ms"] for figures in pages.values())
    result = {
        "bench": "buyer_pages",
        "database": database,
        "runs": args.runs,
        "round_cpu_ms": round(total, 1),
        "per_request_cpu_ms": round(total / len(pages), 1),
        "cpu_calibration_ms": cpu_calibration_ms(),  # the load harness's figure
        "pages": pages,
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
