"""What a recycled gunicorn worker costs the requests around it, with the master's heap frozen and not.

What it measures
    Gunicorn recycles each worker after ``max_requests``; the replacement is
    forked from the master only once the old worker has exited. One worker
    serves the catalogue page again and again (``--requests``), recycled every
    ``--every`` requests, so the request after each recycle waits for the old
    worker's exit and the new one's start. The figures are the median request
    and the median extra wait after a recycle, for two masters side by side:
    the project's (``config/gunicorn.conf.py``: warmed, then ``gc.freeze()``)
    and the same with the freeze undone (``gc.unfreeze()`` right after), so
    that the collector walks the inherited heap again. The variants alternate,
    ``--runs`` times each.

How
    A scratch SQLite database (or ``DATABASE_URL``), ``migrate``, the demo world
    and ``collectstatic``, DEBUG off (as ``bench/buyer_pages.py``); gunicorn with
    the project's settings file on a free port of 127.0.0.1; plain HTTP GETs
    from this process.

The last line printed is one line of JSON:
``{"bench": "worker_recycle", "recycle_extra_ms": {"frozen": ..., "unfrozen": ...}, ...}``.

Run from the project root: ``python bench/worker_recycle.py [--runs 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.buyer_pages import log, production_like_environment, world_build  # noqa: E402
from testing.ports import free_port  # noqa: E402

UNFROZEN_CONFIG = """
import gc, runpy
_project = runpy.run_path({path!r})
globals().update({{k: v for k, v in _project.items() if not k.startswith("__")}})

def when_ready(server):
    _project["when_ready"](server)
    gc.unfreeze()
"""


def get_ms(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
    return (time.perf_counter() - started) * 1000


def serve(config: Path, *, requests: int, every: int, workdir: Path) -> tuple[float, float]:
    """(median request ms, median extra ms of the request after each recycle) for one master."""
    port = free_port()
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_MAX_REQUESTS": str(every),
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    with open(workdir / "gunicorn.log", "ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config", str(config)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/catalogue/"
    try:
        deadline = time.monotonic() + 120
        served = 0
        while True:  # the first answer comes from the first worker: it counts towards max_requests
            try:
                get_ms(url)
                served = 1
                break
            except OSError as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not start: see {workdir / 'gunicorn.log'}"
                    ) from error
                time.sleep(0.3)
        timings = [get_ms(url) for _ in range(requests)]
    finally:
        server.terminate()
        server.wait(timeout=60)
    # answer number n (1-based, counting the first) is the first of a new worker when
    # n - 1 is a multiple of `every`
    after = [ms for i, ms in enumerate(timings, start=served + 1) if (i - 1) % every == 0]
    steady = [ms for i, ms in enumerate(timings, start=served + 1) if (i - 1) % every != 0]
    median = statistics.median(steady)
    return median, statistics.median(after) - median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each master, alternating")
    parser.add_argument("--requests", type=int, default=160)
    parser.add_argument("--every", type=int, default=40, help="max_requests of the worker")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="taibao-bench-recycle-"))
    production_like_environment(workdir)
    log("migrating and loading the demo world")
    database = world_build(workdir)
    from django.db import connections

    connections.close_all()
    project = PROJECT_ROOT / "config" / "gunicorn.conf.py"
    unfrozen = workdir / "gunicorn_unfrozen.conf.py"
    unfrozen.write_text(UNFROZEN_CONFIG.format(path=str(project)))

    results: dict[str, list[tuple[float, float]]] = {"frozen": [], "unfrozen": []}
    for run in range(args.runs):
        for name, config in (("frozen", project), ("unfrozen", unfrozen)):
            median, extra = serve(config, requests=args.requests, every=args.every, workdir=workdir)
            results[name].append((median, extra))
            log(f"run {run + 1} {name}: request {median:.1f} ms, after a recycle +{extra:.0f} ms")

    def figure(name: str, index: int) -> float:
        return round(statistics.median(r[index] for r in results[name]), 1)

    print(
        json.dumps(
            {
                "bench": "worker_recycle",
                "database": database,
                "runs": args.runs,
                "max_requests": args.every,
                "request_ms": {name: figure(name, 0) for name in results},
                "recycle_extra_ms": {name: figure(name, 1) for name in results},
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
