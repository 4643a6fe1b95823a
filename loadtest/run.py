"""Run the load (or, with --faults, the fault) harness; the last line printed is JSON.

    python -m loadtest.run --duration 120 --buyers 50            # make loadtest
    python -m loadtest.run --duration 120 --buyers 50 --faults   # make faulttest

The database is DATABASE_URL with "_load" added to its name (or --database-url;
without either, postgresql://postgres@127.0.0.1:5432/taibao_load); it is
dropped and created again. Exit status 0 when every invariant holds and no
request got a 5xx answer.
"""

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from loadtest.stack import WEBHOOK_SECRET, Stack, cpu_used
from loadtest.stats import Stats, cpu_calibration_ms, percentile

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/taibao_load"


def database_url_for_run(explicit: str | None) -> str:
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        parsed = urlparse(base)
        return urlunparse(parsed._replace(path=parsed.path.rstrip("/") + "_load"))
    return DEFAULT_DATABASE


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds of traffic")
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--sellers", type=int, default=5, help="seller staff (at most 5)")
    parser.add_argument("--faults", action="store_true", help="inject the faults during the run")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--online-share", type=float, default=0.15, help="orders paid by Stripe")
    parser.add_argument(
        "--think", default="1-3", help="think time between steps, seconds: low-high"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=15,
        help="seconds over which the people start, one after another; the measured traffic "
        "begins once the last has started",
    )
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work folder and its logs")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {message}", flush=True)


def setup_django(stack: Stack) -> None:
    os.environ.update(stack.env)
    import django

    django.setup()


def build_database(stack: Stack, buyers: int):
    from django.core.management import call_command
    from django.db import connections

    from loadtest.stack import database_recreate
    from loadtest.world import load_world_build

    database_recreate(stack.database_url)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    world = load_world_build(buyers=buyers)
    connections.close_all()
    return world


def scarce_stock_ids() -> set[int]:
    from django.db import connections
    from oscar.core.loading import get_model

    from loadtest.world import SCARCE

    StockRecord = get_model("partner", "StockRecord")
    ids = set(StockRecord.objects.filter(partner_sku__in=SCARCE).values_list("pk", flat=True))
    connections.close_all()  # this process holds no session while the faults end them
    return ids


def wait_for_web(stack: Stack, timeout: float = 120) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(stack.base_url + "/", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError("the web server never answered 200 on /")


def people(args, stack: Stack, world, stats: Stats, stop: threading.Event) -> list:
    from loadtest.users import Buyer, SellerStaff, TeamMember

    low, high = (float(x) for x in args.think.split("-"))
    common = {
        "password": world.password,
        "base_url": stack.base_url,
        "stats": stats,
        "stop": stop,
        "think": (low, high),
    }
    scarce = scarce_stock_ids()
    crowd = [
        Buyer(
            email=email,
            online_share=args.online_share,
            fake_stripe=stack.fake_stripe,
            webhook_secret=WEBHOOK_SECRET,
            **common,
        )
        for email in world.buyers
    ]
    crowd += [
        SellerStaff(email=email, scarce_ids=scarce, **common)
        for email in world.sellers[: args.sellers]
    ]
    confirming = len(world.team) - 1  # the last one opens reports
    crowd += [
        TeamMember(
            email=email, transfer_share=(k, confirming) if k < confirming else None, **common
        )
        for k, email in enumerate(world.team)
    ]
    return crowd


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Stopped by a signal (a CI timeout, kill, or Ctrl-C even where a shell ignores SIGINT
    # for background jobs), the run still stops every process it started.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    workdir = Path(tempfile.mkdtemp(prefix="taibao-load-"))
    stack = Stack(
        database_url=database_url_for_run(args.database_url),
        workdir=workdir,
        web_workers=args.web_workers,
        celery_concurrency=args.celery_concurrency,
    )
    stats = Stats()
    stop = threading.Event()
    result: dict = {}
    try:
        log(f"work folder {workdir}; database {urlparse(stack.database_url).path.lstrip('/')}")
        stack.start_support()
        setup_django(stack)
        log("migrating and loading the demo world")
        world = build_database(stack, args.buyers)
        log(
            f"starting gunicorn ({args.web_workers} workers), Celery worker "
            f"(concurrency {args.celery_concurrency}) and beat"
        )
        stack.start_apps()
        wait_for_web(stack)
        crowd = people(args, stack, world, stats, stop)
        log(f"{len(crowd)} people log in")
        for person in crowd:
            person.start()
            time.sleep(0.05)
        for person in crowd:
            if not person.logged_in.wait(timeout=300) and person.failure is None:
                raise RuntimeError(f"{person.email} did not log in in time")
            if person.failure is not None:
                raise RuntimeError(f"{person.email}: {person.failure!r}")
        result = run_traffic(args, stack, stats, stop, crowd)
    except KeyboardInterrupt:
        log("interrupted")
        result = {"error": "interrupted"}
    finally:
        stop.set()
        stack.stop()
        if args.keep:
            log(f"logs kept in {workdir / 'logs'}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, sort_keys=False), flush=True)
    return 0 if result.get("invariants_hold") and result.get("errors_5xx") == 0 else 1


def run_traffic(args, stack: Stack, stats: Stats, stop: threading.Event, crowd: list) -> dict:
    from loadtest.faults import FaultInjector
    from loadtest.invariants import drain_wait, invariants_check

    calibration = cpu_calibration_ms()  # everyone has logged in and waits: the stack is idle
    load_before = os.getloadavg()
    injector = FaultInjector(stack, args.duration, stop) if args.faults else None
    # People arrive one after another, as they would, not all on the same instant: started
    # together, 50 buyers ask for the same pages in the same seconds for several rounds.
    # The ramp is not measured; the traffic that is starts with everyone at work.
    log(f"{len(crowd)} people start over {args.ramp:.0f} s")
    stats.recording = False
    delays = [args.ramp * k / len(crowd) for k in range(len(crowd))]
    random.shuffle(delays)
    for person, delay in zip(crowd, delays, strict=True):
        person.start_delay = delay
        person.go.set()
    stop.wait(args.ramp)
    cpu_before = stack.cpu_by_process()
    log_before = stack.access_log_size()
    log(f"traffic for {args.duration:.0f} s" + (" with faults" if injector else ""))
    stats.recording = True
    started = time.monotonic()
    if injector:
        injector.start()
    stop.wait(args.duration)
    stop.set()
    elapsed = time.monotonic() - started
    stats.recording = False
    load_during = os.getloadavg()
    cpu_after = stack.cpu_by_process()
    log_after = stack.access_log_size()
    for person in crowd:
        person.join(timeout=90)
    if injector:
        injector.join(timeout=120)
    dead = stack.check_alive()
    if dead:
        log(f"not running after the traffic: {', '.join(dead)}")

    log(f"traffic over; waiting up to {args.drain_timeout:.0f} s for the queues to drain")
    drained_after = drain_wait(
        timeout=args.drain_timeout, emails_received=lambda: stack.mailbox.total
    )
    findings = invariants_check(emails_by_address=stack.mailbox.received)

    print(stats.table(), flush=True)
    log("outcomes: " + json.dumps(dict(sorted(stats.counters.items())), ensure_ascii=False))
    for _when, endpoint, url, status in stats.server_errors[:20]:
        log(f"{status} on {endpoint}: {url}")
    for line in stack.web_errors()[:20]:
        log("web: " + line)
    for line in findings.details[:20]:
        log("invariant: " + line)
    checkout = stats.summary("checkout place-order")
    # The measured traffic's placements as gunicorn timed them: the rest of what the
    # buyer waited was spent queued for a free worker.
    placed_server = stack.web_times_ms(
        "POST", "/checkout/preview/", "302", between=(log_before, log_after)
    )
    orders = stats.counters.get("orders_placed", 0)
    result = {
        "orders_per_s": round(orders / elapsed, 2),
        "p99_checkout_ms": round(checkout["p99"]),
        "errors_5xx": stats.errors_5xx(),
        "oversold": findings.oversold,
        "unattributed_units": findings.unattributed_units,
        "duplicate_notifications": findings.duplicate_notifications,
        "invariants_hold": findings.holding() and not dead,
        "processes_down": dead,  # services no longer running when the traffic ended
        "duration_s": round(elapsed),
        "ramp_s": args.ramp,
        "buyers": args.buyers,
        "think_s": args.think,  # each step's pause range (some steps take a fraction of it)
        "sellers": min(args.sellers, 5),
        "orders_placed": orders,
        "orders_refused": stats.counters.get("orders_refused", 0),
        "paid_orders": findings.paid_orders,
        "paid_units": findings.paid_units,
        "p50_checkout_ms": round(checkout["p50"]),
        "p95_checkout_ms": round(checkout["p95"]),
        "checkout_in_server_ms": {
            "p50": round(percentile(placed_server, 0.50)),
            "p99": round(percentile(placed_server, 0.99)),
        },
        "requests": sum(len(v) for v in stats.latencies.values()),
        # the p95 of every request in each 10 s of the traffic: where the slow ones bunched
        "p95_ms_by_10s": [
            None if ms is None else round(ms)
            for ms in stats.windows_p95(started, started + elapsed, 10)
        ],
        "errors_connection": stats.errors_connection(),
        "errors_4xx": stats.errors_4xx(),
        "harness_failures": stats.counters.get("harness_failures", 0),
        "drained_after_s": round(drained_after),
        "findings": {k: v for k, v in findings.as_dict().items() if k != "details"},
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_end": [round(x, 2) for x in load_during],
        "cores": os.cpu_count(),
        "cpu_calibration_ms": calibration,
        # CPU seconds each part used during the traffic (loadtest.stack.cpu_used): a gunicorn
        # worker recycled or killed in it counts for its time in it; a service started again
        # by a fault counts its new processes; a PostgreSQL session that ended drops out
        "cpu_s": {
            name: round(cpu_used(cpu_before.get(name, {}), pids, tree=name != "postgres"), 1)
            for name, pids in cpu_after.items()
        },
    }
    # the requests of the traffic only (logins came before it) against the web tier's CPU
    traffic_requests = sum(len(v) for k, v in stats.latencies.items() if not k.startswith("login"))
    web_cpu = result["cpu_s"].get("web", 0.0)
    result["web_cpu_ms_per_request"] = (
        round(1000 * web_cpu / traffic_requests, 1) if traffic_requests else None
    )
    if injector:
        result["faults"], result["errors_5xx_outside_faults"] = injector.report(stats.server_errors)
    failures = [p for p in crowd if p.failure is not None]
    for person in failures[:5]:
        log(f"{person.email} stopped: {person.failure!r}")
    return result


if __name__ == "__main__":
    sys.exit(main())
