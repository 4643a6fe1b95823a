"""Faults injected while the users keep working, each with what became of it.

* the Celery worker (its whole process group) is killed with SIGKILL and started again;
* the run's own redis-server is stopped and started again (it keeps nothing on disk,
  so every queued task is lost and only the outbox can bring the work back);
* one gunicorn worker is killed with SIGKILL (the master starts another);
* PostgreSQL ends every other session on the run's database (pg_terminate_backend).
"""

import os
import signal
import threading
import time
from dataclasses import asdict, dataclass

import psycopg
import requests

from loadtest.stack import Stack, children_of


@dataclass
class FaultOutcome:
    fault: str
    at_s: float
    outcome: str
    recovered: bool
    recovery_s: float
    errors_5xx: int = 0  # answered 5xx within WINDOW seconds after the fault
    errors_5xx_reads: int = 0  # of which GET requests
    at: float = 0.0  # time.monotonic() when injected


WINDOW = 10.0


def _until(condition, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.2)
    return None


def _web_answers(stack: Stack) -> bool:
    try:
        return requests.get(stack.base_url + "/", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def celery_worker_kill(stack: Stack) -> tuple[str, float | None]:
    worker = stack.services["worker"]
    pids = [worker.pid, *children_of(worker.pid)]
    worker.kill_group(signal.SIGKILL)
    time.sleep(2)
    stack.worker_start()
    started = _until(lambda: len(children_of(stack.services["worker"].pid)) > 0, 60)
    return f"SIGKILL to {len(pids)} processes, started again", started


def redis_restart(stack: Stack) -> tuple[str, float | None]:
    stack.redis_stop()
    time.sleep(5)  # requests made now must still succeed; their tasks wait in the outbox
    stack.redis_start()
    return "stopped for 5 s (all queued tasks lost), started again", 0.0


def gunicorn_worker_kill(stack: Stack) -> tuple[str, float | None]:
    before = stack.web_workers_pids()
    if not before:
        return "no gunicorn worker found", None
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    replaced = _until(
        lambda: len([p for p in stack.web_workers_pids() if p != victim]) >= len(before), 60
    )
    return f"SIGKILL to worker {victim}", replaced


def postgres_terminate(stack: Stack) -> tuple[str, float | None]:
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        ended = conn.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    return f"pg_terminate_backend ended {ended} sessions", _until(lambda: _web_answers(stack), 60)


FAULTS = [
    ("celery_worker_sigkill", celery_worker_kill),
    ("redis_restart", redis_restart),
    ("gunicorn_worker_sigkill", gunicorn_worker_kill),
    ("postgres_terminate_backends", postgres_terminate),
]


class FaultInjector(threading.Thread):
    """Injects each fault once, spread evenly over the run."""

    def __init__(self, stack: Stack, duration: float, stop: threading.Event):
        super().__init__(name="faults", daemon=True)
        self.stack = stack
        self.duration = duration
        self.stop = stop
        self.outcomes: list[FaultOutcome] = []

    def run(self) -> None:
        start = self.started = time.monotonic()
        for n, (name, inject) in enumerate(FAULTS, start=1):
            at = self.duration * n / (len(FAULTS) + 1)
            if self.stop.wait(max(0.0, start + at - time.monotonic())):
                return
            at = time.monotonic()
            at_s = round(at - start, 1)
            try:
                outcome, recovery = inject(self.stack)
            except Exception as error:
                outcome, recovery = f"injecting failed: {error!r}", None
            self.outcomes.append(
                FaultOutcome(
                    fault=name,
                    at_s=at_s,
                    outcome=outcome,
                    recovered=recovery is not None,
                    recovery_s=round(recovery or 0.0, 1),
                    at=at,
                )
            )

    def report(self, server_errors: list[tuple[float, str, str, int]]) -> tuple[list[dict], int]:
        """Each fault with the 5xx answers in the WINDOW after it; and how many 5xx fell outside.

        An answer is laid at the latest fault before it only: in a short run the
        faults come closer together than WINDOW, and one 5xx must not count twice.
        """
        outside = 0
        for when, _endpoint, url, _status in server_errors:
            before = [o for o in self.outcomes if o.at <= when <= o.at + WINDOW]
            if not before:
                outside += 1
                continue
            latest = max(before, key=lambda outcome: outcome.at)
            latest.errors_5xx += 1
            latest.errors_5xx_reads += url.startswith("GET ")
        report = [
            {k: v for k, v in asdict(outcome).items() if k != "at"} for outcome in self.outcomes
        ]
        return report, outside
