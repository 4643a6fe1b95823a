"""The simulated people: enterprise buyers, seller staff, the work team, each a thread.

Each drives the real pages over HTTP with its own cookie session (CSRF token
from the cookie, as the browser's form would send it), waits a random think
time between steps, and records every request's latency and status. Outcomes
the run reports (orders placed, refused for shortage, transfers confirmed …)
are counted by name.
"""

import json
import random
import re
import threading
import time
import uuid
from decimal import Decimal
from html import unescape

import requests

from loadtest.stats import Stats
from loadtest.world import ORDERABLE, SCARCE

TIMEOUT = 60  # seconds; longer than any page should take, shorter than the gunicorn timeout
ORDER_NUMBER = re.compile(r"/checkout/thank-you/|/pay/(?P<number>[^/]+)/$")
MONEY = re.compile(r"¥\s*([\d,]+\.\d{2})")
CHECKOUT_LINK = re.compile(r'<a href="([^"]+)" id="basket-checkout"')


class Stopped(Exception):
    pass


class Client:
    """One person's browser: a cookie session that records every request."""

    def __init__(
        self, base_url: str, stats: Stats, stop: threading.Event, think: tuple[float, float]
    ):
        self.base_url = base_url
        self.stats = stats
        self.stop = stop
        self.think_range = think
        self.session = requests.Session()
        # no proxy variables or .netrc to look up before every request: the harness shares
        # the machine's cores with the stack it measures
        self.session.trust_env = False
        self.session.headers["User-Agent"] = "taibao-loadtest"
        # Each person comes from an address of its own, as the proxy in front would say
        # (the stack trusts X-Real-IP): per-IP login limits then count people, not the harness.
        self.session.headers["X-Real-IP"] = (
            f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        )
        self.rng = random.Random()

    def think(self, scale: float = 1.0) -> None:
        low, high = self.think_range
        if self.stop.wait(self.rng.uniform(low, high) * scale):
            raise Stopped

    def csrf(self) -> str:
        return self.session.cookies.get("csrftoken", "")

    def request(self, endpoint: str, method: str, path: str, data=None) -> requests.Response | None:
        if self.stop.is_set():
            raise Stopped
        url = path if path.startswith("http") else self.base_url + path
        headers = {}
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.csrf()}
            headers["Referer"] = url
        start = time.perf_counter()
        try:
            response = self.session.request(
                method, url, data=data, headers=headers, allow_redirects=False, timeout=TIMEOUT
            )
        except requests.RequestException:
            self.stats.record(
                endpoint, (time.perf_counter() - start) * 1000, status=None, url=f"{method} {url}"
            )
            return None
        self.stats.record(
            endpoint,
            (time.perf_counter() - start) * 1000,
            status=response.status_code,
            url=f"{method} {url}",
        )
        return response

    def get(self, endpoint: str, path: str) -> requests.Response | None:
        return self.request(endpoint, "GET", path)

    def post(self, endpoint: str, path: str, data: dict) -> requests.Response | None:
        return self.request(endpoint, "POST", path, data)

    def follow(self, endpoint: str, response: requests.Response | None) -> requests.Response | None:
        """GET where the redirects point, each recorded under ``endpoint``."""
        for _hop in range(5):
            if response is None or response.status_code not in (301, 302, 303):
                return response
            response = self.get(endpoint, response.headers["Location"])
        return response

    def login(self, email: str, password: str) -> bool:
        self.get("login page", "/accounts/login/")
        response = self.post(
            "login",
            "/accounts/login/",
            {"login-username": email, "login-password": password, "login_submit": "1"},
        )
        return response is not None and response.status_code == 302


def ok(response: requests.Response | None, *codes: int) -> bool:
    return response is not None and response.status_code in (codes or (200,))


class Person(threading.Thread):
    """A thread that logs in, then repeats its ``step`` until the run stops."""

    def __init__(self, *, email: str, password: str, base_url: str, stats: Stats, stop, think):
        super().__init__(name=email, daemon=True)
        self.email = email
        self.password = password
        self.stats = stats
        self.client = Client(base_url, stats, stop, think)
        self.logged_in = threading.Event()
        self.go = threading.Event()
        self.start_delay = 0.0  # seconds after `go` (the run's ramp)
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            for _attempt in range(5):
                if self.client.login(self.email, self.password):
                    self.logged_in.set()
                    break
                self.client.think()
            else:
                raise RuntimeError(f"{self.email} could not log in")
            self.go.wait()
            if self.client.stop.wait(self.start_delay):
                raise Stopped
            while True:
                self.step()
        except Stopped:
            pass
        except BaseException as failure:
            self.failure = failure
            self.stats.count("harness_failures")


class Buyer(Person):
    """Browses, searches, quick-orders a few lines (often a scarce one) and checks out."""

    def __init__(self, *, online_share: float, fake_stripe, webhook_secret: str, **kwargs):
        super().__init__(**kwargs)
        self.online_share = online_share
        self.fake_stripe = fake_stripe
        self.webhook_secret = webhook_secret
        self.product_paths: list[str] = []
        self.checkout_path = "/checkout/"

    def browse(self) -> None:
        c = self.client
        page = c.get("catalogue", "/catalogue/")
        if ok(page) and not self.product_paths:
            self.product_paths = sorted(
                set(re.findall(r'href="(/catalogue/[^"/]+_\d+/)"', page.text))
            )
        c.think(0.5)
        if self.product_paths and c.rng.random() < 0.7:
            c.get("product", c.rng.choice(self.product_paths))
            c.think(0.5)
        if c.rng.random() < 0.5:
            c.get(
                "search", "/search/?q=" + c.rng.choice(["马蹄", "瓜蒌籽", "大米", "TB-CG", "莲塘"])
            )
            c.think(0.5)

    def order_lines(self) -> list[tuple[str, int]]:
        rng = self.client.rng
        skus = rng.sample(sorted(ORDERABLE), rng.randint(1, 3))
        if rng.random() < 0.8:
            skus.append(rng.choice(sorted(SCARCE)))
        lines = {}
        for sku in skus:
            minimum, step = ORDERABLE[sku]
            quantity = rng.randint(1, 4) if sku in SCARCE else rng.randint(1, 10)
            lines[sku] = max(minimum, quantity * step if step > 1 else quantity)
        return sorted(lines.items())

    def quick_order(self) -> bool:
        c = self.client
        c.get("quick-order page", "/quick-order/")
        c.think(0.5)
        lines = self.order_lines()
        text = "\n".join(f"{sku} {quantity}" for sku, quantity in lines)
        checked = c.post("quick-order check", "/quick-order/", {"lines": text})
        if not ok(checked):
            return False
        c.think(0.3)
        data: dict = {"action": "add", "choose": [str(n) for n in range(1, len(lines) + 1)]}
        for n, (sku, quantity) in enumerate(lines, start=1):
            data[f"sku_{n}"] = sku
            data[f"quantity_{n}"] = str(quantity)
        added = c.post("quick-order add", "/quick-order/", data)
        if not ok(added, 302):
            return False
        if added.headers["Location"].rstrip("/").endswith("quick-order"):
            self.stats.count_during_run("quick_order_refused")  # a row was short: nothing added
            c.get("quick-order page", added.headers["Location"])
            return False
        basket = c.get("basket", added.headers["Location"])
        link = CHECKOUT_LINK.search(basket.text) if ok(basket) else None
        self.checkout_path = unescape(link.group(1)) if link else "/checkout/"
        return True

    def checkout(self) -> None:
        c = self.client
        online = self.fake_stripe is not None and c.rng.random() < self.online_share
        # the basket's "Proceed to checkout" button, as the buyer clicks it
        page = c.follow(
            "checkout shipping-address page",
            c.get("checkout shipping-address page", self.checkout_path),
        )
        if not ok(page):
            return
        addresses = re.findall(r'name="address_id" value="(\d+)"', page.text)
        if not addresses:
            # sent back to the basket: a line is no longer available (a scarce product sold out)
            self.stats.count_during_run("checkout_sent_back_to_basket")
            self.empty_basket()
            return
        c.think(0.5)
        details = c.follow(
            "checkout payment-details page",
            c.post(
                "checkout shipping-address",
                "/checkout/shipping-address/",
                {"address_id": c.rng.choice(addresses)},
            ),
        )
        if not ok(details):
            return
        c.think(0.5)
        form = {
            "po_number": f"PO-{uuid.uuid4().hex[:8]}",
            "payment_method": "online" if online else "bank_transfer",
            "note": "",
        }
        if not ok(c.post("checkout preview", "/checkout/preview/", form)):
            return
        c.think(0.5)
        placed = c.post(
            "checkout place-order", "/checkout/preview/", {**form, "action": "place_order"}
        )
        if placed is None:
            return
        location = placed.headers.get("Location", "") if placed.status_code == 302 else ""
        if "/checkout/thank-you/" in location:
            self.stats.count_during_run("orders_placed")
            self.stats.count_during_run("orders_placed_bank_transfer")
            c.get("checkout thank-you", location)
        elif location.startswith("/pay/") or "/pay/" in location:
            self.stats.count_during_run("orders_placed")
            self.stats.count_during_run("orders_placed_online")
            self.pay_online(location)
        else:
            self.stats.count_during_run("orders_refused")  # short under the lock, or a rule
            if placed.status_code == 302:
                c.get("basket", location)
            c.get("basket", "/basket/")
            self.empty_basket()

    def empty_basket(self) -> None:
        """A refused buyer starts again with an empty basket (Oscar's basket formset)."""
        c = self.client
        basket = c.get("basket", "/basket/")
        if not ok(basket):
            return
        data = {}
        for name, value in re.findall(r'name="(form-[^"]+)"[^>]*?value="([^"]*)"', basket.text):
            data[unescape(name)] = unescape(value)
        for name in list(data):
            if name.endswith("-quantity"):
                data[name] = "0"
        if data:
            c.follow("basket", c.post("basket update", "/basket/", data))

    def pay_online(self, location: str) -> None:
        """The pay page makes the PaymentIntent; "Stripe" then succeeds it and calls the webhook."""
        from testing.fake_stripe import event_payload, signature_header

        c = self.client
        number = location.rstrip("/").rsplit("/", 1)[-1]
        if not ok(c.get("pay page", location)):
            return
        intent_id = next(
            (
                pi
                for pi, intent in list(self.fake_stripe.intents.items())
                if intent["metadata"].get("order_number") == number
                and intent["status"] != "canceled"
            ),
            None,
        )
        if intent_id is None:
            self.stats.count_during_run("online_intent_missing")
            return
        c.think(0.5)  # the buyer confirms with Stripe.js
        intent = self.fake_stripe.succeed(intent_id)
        payload = event_payload(
            event_id=f"evt_{uuid.uuid4().hex[:16]}", type="payment_intent.succeeded", intent=intent
        )
        for attempt in range(4):  # Stripe sends an event again until it gets a 2xx
            if attempt:
                time.sleep(2**attempt)
            start = time.perf_counter()
            try:
                response = requests.post(
                    c.base_url + "/stripe/webhook/",
                    data=payload.encode(),
                    headers={
                        "Content-Type": "application/json",
                        "Stripe-Signature": signature_header(payload, secret=self.webhook_secret),
                    },
                    timeout=TIMEOUT,
                )
                status = response.status_code
            except requests.RequestException:
                status = None
            self.stats.record(
                "stripe webhook",
                (time.perf_counter() - start) * 1000,
                status=status,
                url="POST webhook",
            )
            if status == 200:
                break
        if status == 200:
            self.stats.count_during_run("online_payments_confirmed")
        c.get("pay return page", f"/pay/{number}/return/")

    def step(self) -> None:
        c = self.client
        self.browse()
        if self.quick_order():
            c.think(0.5)
            self.checkout()
        else:
            self.empty_basket()
        c.think()
        if c.rng.random() < 0.3:
            c.get("enterprise orders", "/enterprise/orders/")
            c.think()


class SellerStaff(Person):
    """Records intakes (mostly of the scarce products) and stock-takes on its seller's stock."""

    def __init__(self, *, scarce_ids: set[int], **kwargs):
        super().__init__(**kwargs)
        self.scarce_ids = scarce_ids

    def step(self) -> None:
        c = self.client
        listing = c.get("seller stock list", "/dashboard/seller/")
        if not ok(listing):
            c.think()
            return
        ids = sorted(set(re.findall(r'href="/dashboard/seller/stock/(\d+)/intake/"', listing.text)))
        scarce = [pk for pk in ids if int(pk) in self.scarce_ids]
        c.think(0.5)
        if not ids:
            return
        pk = c.rng.choice(scarce if scarce and c.rng.random() < 0.6 else ids)
        if c.rng.random() < 0.7:
            self.intake(pk)
        else:
            self.stock_take(pk)
        c.think()

    def intake(self, pk: str) -> None:
        c = self.client
        page = c.get("seller intake page", f"/dashboard/seller/stock/{pk}/intake/")
        if not ok(page):
            return
        select = re.search(r'<select name="household".*?</select>', page.text, re.S)
        households = re.findall(r'<option value="(\d+)"', select.group(0)) if select else []
        if not households:
            return
        c.think(0.5)
        units = c.rng.randint(1, 8)
        response = c.post(
            "seller intake",
            f"/dashboard/seller/stock/{pk}/intake/",
            {
                "household": c.rng.choice(households),
                "units": str(units),
                "received_on": time.strftime("%Y-%m-%d"),
                "farmgate_unit_price": "10.00",
                "trace_code": f"LOAD-{uuid.uuid4().hex[:12]}",
                "certificate_number": "",
            },
        )
        if ok(response, 302):
            self.stats.count_during_run("intakes")
            self.stats.count_during_run("intake_units", units)
        else:
            self.stats.count_during_run("intakes_refused")

    def stock_take(self, pk: str) -> None:
        c = self.client
        page = c.get("seller stocktake page", f"/dashboard/seller/stock/{pk}/stocktake/")
        if not ok(page):
            return
        summary = re.search(
            r"farm-stock-summary.*?<strong>.*?</strong>.*?<strong>(\d+)</strong>", page.text, re.S
        )
        if summary is None:
            return
        c.think(0.5)
        counted = max(0, int(summary.group(1)) + c.rng.randint(-3, 5))  # the shelf, counted
        response = c.post(
            "seller stocktake",
            f"/dashboard/seller/stock/{pk}/stocktake/",
            {"counted_units": str(counted), "note": "load test count"},
        )
        self.stats.count_during_run("stocktakes" if ok(response, 302) else "stocktakes_refused")


class TeamMember(Person):
    """Confirms bank transfers (some in two parts) or opens the team's reports."""

    REPORTS = [
        "/dashboard/team/sales/household/",
        "/dashboard/team/sales/village/",
        "/dashboard/team/sales/seller/",
        "/dashboard/team/sales/product/",
        "/dashboard/team/sales/enterprise/",
        "/dashboard/team/monitored/",
        "/dashboard/team/pledges/",
        "/dashboard/team/reconciliation/",
    ]

    def __init__(self, *, transfer_share: tuple[int, int] | None, **kwargs):
        super().__init__(**kwargs)
        self.transfer_share = transfer_share  # (k, n): confirms the k-th of every n orders listed

    def step(self) -> None:
        if self.transfer_share:
            self.confirm_transfers()
        else:
            c = self.client
            path = c.rng.choice(self.REPORTS)
            c.get("team report " + path.split("/dashboard/team/")[1].strip("/"), path)
            c.think()

    def confirm_transfers(self) -> None:
        c = self.client
        listing = c.get("team transfers", "/dashboard/transfers/")
        if not ok(listing):
            c.think()
            return
        awaiting = listing.text.split("shop-awaiting", 1)[-1].split("</table>", 1)[0]
        rows = re.findall(r"<tr><td>([^<]+)</td>(.*?)</tr>", awaiting, re.S)
        if not rows:
            c.think()
            return
        k, n = self.transfer_share
        mine = [(number.strip(), cells) for number, cells in rows[:20] if _share(number, n) == k]
        for number, cells in mine:
            amounts = [Decimal(m.replace(",", "")) for m in MONEY.findall(cells)]
            if len(amounts) < 2:
                continue
            total, received = amounts[0], amounts[1]
            outstanding = total - received
            if received == 0 and c.rng.random() < 0.2:
                amount = (total / 2).quantize(Decimal("0.01"))  # the first of two transfers
            else:
                amount = outstanding
            if amount <= 0:
                continue
            c.think(0.3)
            if not ok(c.get("team transfer page", f"/dashboard/transfers/{number}/")):
                continue
            response = c.post(
                "team transfer record",
                f"/dashboard/transfers/{number}/",
                {
                    "amount": str(amount),
                    "received_on": time.strftime("%Y-%m-%d"),
                    "bank_reference": f"BANK-{uuid.uuid4().hex[:10]}",
                },
            )
            if ok(response, 302):
                self.stats.count_during_run("transfers_recorded")
        c.think()


def _share(order_number: str, n: int) -> int:
    """Which of n team members confirms this order (never two: no accidental overpayments)."""
    digits = re.sub(r"\D", "", order_number)
    return int(digits or 0) % n


def describe(stats: Stats) -> str:
    return json.dumps(dict(stats.counters), ensure_ascii=False, sort_keys=True)
