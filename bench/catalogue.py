"""Catalogue page throughput: ours (database-backed) against django-oscar's (Haystack-backed).

What it measures
    Requests per second of two pages listing the same demo products, served
    by one gunicorn process (one sync worker, loopback only) under one
    settings module (``bench.oscar_settings``: the project's settings with
    DEBUG off):

    * ours:  ``/catalogue/``        ``catalog.views.CatalogueView``
    * Oscar: ``/oscar-catalogue/``  ``oscar.apps.search.views.CatalogueView``,
      unmodified, on Haystack + Whoosh as in Oscar's sandbox.

    It also counts the SQL queries one page costs (in this process, with the
    Django test client), for ours and, for information, for Oscar's.

How
    1. A scratch SQLite database in a temporary directory, or the database in
       ``DATABASE_URL`` if set; ``migrate`` and ``load_demo`` (idempotent).
       Media and the Whoosh index live in the temporary directory too, and
       the index is built with ``rebuild_index``.
    2. Query counts: each page is requested once to warm it, then once inside
       ``CaptureQueriesContext``.
    3. gunicorn starts; both pages are warmed over HTTP (sorl makes Oscar's
       thumbnails on the first request) and must list the same products.
    4. Rounds alternate: up to ``--requests`` sequential requests to ours (or
       until ``--seconds`` have passed), then the same to Oscar's. The
       result for each page is the median of its per-round rates.

The last line printed is one line of JSON, e.g.
``{"bench": "catalogue", "ours_rps": ..., "oscar_rps": ..., "ratio": ..., "ours_ms": ...,
"oscar_ms": ..., "queries": ...}`` (``*_ms``: the median time a page, 1000 / rate).
Exit status 1 if Oscar's page lists no products (or not the same number as ours).

Run from the project root:
``python bench/catalogue.py [--rounds 5] [--requests 200] [--seconds 4]``.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from testing.ports import free_port  # noqa: E402

SETTINGS_MODULE = "bench.oscar_settings"
HOST = "127.0.0.1"
OURS_PATH = "/catalogue/"
OSCAR_PATH = "/oscar-catalogue/"
PRODUCT_MARKER = 'class="product_pod'  # each product card, ours and Oscar's
WARMUP_REQUESTS = 10
MIN_REQUESTS_PER_ROUND = 5
SERVER_START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Options:
    rounds: int
    requests: int
    seconds: float


@dataclass(frozen=True)
class Round:
    ours_rps: float
    oscar_rps: float


class BenchFailure(Exception):
    """The comparison would be meaningless (a page broken, empty or different)."""


def parse_options() -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    parser.add_argument(
        "--requests", type=int, default=200, help="most requests per page per round (default 200)"
    )
    parser.add_argument(
        "--seconds", type=float, default=4.0, help="most seconds per page per round (default 4)"
    )
    args = parser.parse_args()
    return Options(rounds=args.rounds, requests=args.requests, seconds=args.seconds)


def log(message: str) -> None:
    print(message, flush=True)


# --- Environment and data -----------------------------------------------------


def configure_environment(workdir: Path) -> str:
    """Point settings at the scratch directory (and database, unless DATABASE_URL is set)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["BENCH_WHOOSH_PATH"] = str(workdir / "whoosh")
    # Same harmless warnings in every request: no collected static files
    # (none are requested), and Whoosh cannot facet (Oscar asks anyway).
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    warnings.filterwarnings("ignore", message="Whoosh does not handle")
    return os.environ["DATABASE_URL"].split(":", 1)[0]


def restore_missing_images() -> int:
    """Draw again any product image whose file is not in this run's MEDIA_ROOT.

    A reused database (DATABASE_URL) keeps image rows from an earlier run
    whose files were in that run's temporary media directory.
    """
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from oscar.core.loading import get_model

    from demo.images import product_image_png

    product_image = get_model("catalogue", "ProductImage")
    restored = 0
    for image in product_image.objects.select_related("product__product_class"):
        if default_storage.exists(image.original.name):
            continue
        product = image.product
        png = product_image_png(
            title=product.title,
            sku=product.upc or str(product.pk),
            class_slug=product.get_product_class().slug,
        )
        default_storage.save(image.original.name, ContentFile(png))
        restored += 1
    return restored


def build_demo_world() -> None:
    """Migrate, load the demo world, and index it for Haystack."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    restored = restore_missing_images()
    if restored:
        log(f"restored {restored} product image file(s) into the scratch media directory")
    call_command("thumbnail", "clear", verbosity=0)  # thumbnails are made afresh in MEDIA_ROOT
    call_command("rebuild_index", interactive=False, verbosity=0)


# --- Query counts (in process) ---------------------------------------------------


def count_queries(path: str) -> int:
    """SQL queries for one warm request of a page, through the test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    client.get(path)  # warm: thumbnails, cached lookups
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise BenchFailure(f"{path} answered {response.status_code} in process")
    return len(queries.captured_queries)


# --- HTTP server and client -----------------------------------------------------------


def fetch(port: int, path: str) -> tuple[int, bytes]:
    """One GET on a fresh connection (gunicorn's sync worker closes each one)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_serving(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchFailure(f"gunicorn exited ({server.returncode}):\n{log_path.read_text()}")
        try:
            fetch(port, OURS_PATH)
            return
        except OSError:
            time.sleep(0.2)
    raise BenchFailure(f"gunicorn did not answer within {SERVER_START_TIMEOUT:.0f}s")


@contextmanager
def gunicorn_server(workdir: Path) -> Iterator[int]:
    """One gunicorn master with one sync worker on a free loopback port; stopped on exit."""
    port = free_port()
    log_path = workdir / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        "1",
        "--worker-class",
        "sync",
        "--chdir",
        str(PROJECT_ROOT),
        "--env",
        f"DJANGO_SETTINGS_MODULE={SETTINGS_MODULE}",
        "--log-level",
        "warning",
    ]
    with open(log_path, "wb") as server_log:
        server = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_serving(server, port, log_path)
        yield port
    finally:
        stop_server(server)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- Measuring ----------------------------------------------------------------------------


def products_listed(port: int, path: str) -> int:
    status, body = fetch(port, path)
    if status != 200:
        raise BenchFailure(f"{path} answered {status}")
    return body.decode("utf-8").count(PRODUCT_MARKER)


def warm_up(port: int) -> None:
    for path in (OURS_PATH, OSCAR_PATH):
        for _ in range(WARMUP_REQUESTS):
            fetch(port, path)


def requests_per_second(port: int, path: str, options: Options) -> float:
    """Sequential GETs until options.requests are done or options.seconds have passed."""
    done = 0
    start = time.perf_counter()
    while done < options.requests:
        status, _ = fetch(port, path)
        if status != 200:
            raise BenchFailure(f"{path} answered {status} during timing")
        done += 1
        if done >= MIN_REQUESTS_PER_ROUND and time.perf_counter() - start >= options.seconds:
            break
    return done / (time.perf_counter() - start)


def run_rounds(port: int, options: Options) -> list[Round]:
    rounds = []
    for number in range(1, options.rounds + 1):
        ours = requests_per_second(port, OURS_PATH, options)
        oscar = requests_per_second(port, OSCAR_PATH, options)
        log(f"round {number}: ours {ours:7.1f} req/s   oscar {oscar:7.1f} req/s")
        rounds.append(Round(ours_rps=ours, oscar_rps=oscar))
    return rounds


def benchmark(workdir: Path, options: Options) -> dict[str, object]:
    database = configure_environment(workdir)
    log(f"database: {database}; preparing demo data and Whoosh index ...")
    build_demo_world()

    from django.db import connections

    from loadtest.stats import cpu_calibration_ms

    queries = count_queries(OURS_PATH)
    oscar_queries = count_queries(OSCAR_PATH)
    connections.close_all()
    log(f"SQL queries per page: ours {queries}, oscar {oscar_queries}")

    with gunicorn_server(workdir) as port:
        warm_up(port)
        ours_listed = products_listed(port, OURS_PATH)
        oscar_listed = products_listed(port, OSCAR_PATH)
        log(f"products listed: ours {ours_listed}, oscar {oscar_listed}")
        if oscar_listed == 0:
            raise BenchFailure("Oscar's catalogue page lists no products; is the index empty?")
        if oscar_listed != ours_listed:
            raise BenchFailure(f"pages differ: ours lists {ours_listed}, Oscar's {oscar_listed}")
        rounds = run_rounds(port, options)

    ours_rps = statistics.median(r.ours_rps for r in rounds)
    oscar_rps = statistics.median(r.oscar_rps for r in rounds)
    return {
        "bench": "catalogue",
        "database": database,
        "ours_rps": round(ours_rps, 1),
        "oscar_rps": round(oscar_rps, 1),
        "ratio": round(ours_rps / oscar_rps, 2),
        "ours_ms": round(1000 / ours_rps, 1),  # median ms a page, sequential requests
        "oscar_ms": round(1000 / oscar_rps, 1),
        "queries": queries,
        "oscar_queries": oscar_queries,
        "products_listed": oscar_listed,
        "cpu_calibration_ms": cpu_calibration_ms(),  # the load harness's loop, this run
        "rounds": len(rounds),
    }


def main() -> int:
    options = parse_options()
    with tempfile.TemporaryDirectory(prefix="taibao-bench-") as scratch:
        try:
            result = benchmark(Path(scratch), options)
        except BenchFailure as failure:
            print(f"bench/catalogue: {failure}", file=sys.stderr)
            return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
