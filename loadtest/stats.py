"""Latencies and errors per endpoint, recorded by every simulated user's thread."""

import math
import threading
import time
from collections import Counter, defaultdict


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


class Stats:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, Counter] = defaultdict(Counter)  # endpoint → {"500": n, "reset": n}
        # (monotonic time, endpoint, method and url, status) of every 5xx answer
        self.server_errors: list[tuple[float, str, str, int]] = []
        self.counters: Counter[str] = Counter()  # business outcomes: orders placed, refused …
        self.timeline: list[tuple[float, float]] = []  # (monotonic time answered, ms) of each
        self.recording = True

    def record(self, endpoint: str, ms: float, *, status: int | None, url: str = "") -> None:
        with self._lock:
            # errors count whenever they happen (in the ramp, and in the answers still on
            # their way when the traffic stops); latencies only in the measured traffic
            if self.recording:
                self.latencies[endpoint].append(ms)
                self.timeline.append((self._clock(), ms))
            if status is None:
                self.errors[endpoint]["connection"] += 1
            elif status >= 500:
                self.errors[endpoint][str(status)] += 1
                self.server_errors.append((self._clock(), endpoint, url, status))
            elif status >= 400:
                self.errors[endpoint][str(status)] += 1

    def count(self, name: str, n: int = 1) -> None:
        with self._lock:
            self.counters[name] += n

    def count_during_run(self, name: str, n: int = 1) -> None:
        with self._lock:
            if self.recording:
                self.counters[name] += n

    def _errors_counted(self, matches) -> int:
        with self._lock:  # a person's thread may still be answered while the report is made
            return sum(
                n for per in self.errors.values() for code, n in per.items() if matches(code)
            )

    def errors_5xx(self) -> int:
        return self._errors_counted(lambda code: code.startswith("5"))

    def errors_4xx(self) -> int:
        return self._errors_counted(lambda code: code.startswith("4"))

    def errors_connection(self) -> int:
        return self._errors_counted(lambda code: code == "connection")

    def summary(self, endpoint: str) -> dict:
        values = sorted(self.latencies.get(endpoint, []))
        return {
            "n": len(values),
            "p50": percentile(values, 0.50),
            "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99),
            "max": values[-1] if values else 0.0,
            "errors": dict(self.errors.get(endpoint, {})),
        }

    def windows_p95(self, since: float, until: float, seconds: float) -> list[float | None]:
        """The p95 latency of the requests answered in each ``seconds`` from ``since`` to
        ``until`` (None where none was answered: a stall, not a quiet moment). The last
        window ends at ``until``; a remainder shorter than half a window joins the one
        before it."""
        count = max(1, math.ceil((until - since) / seconds))
        if count > 1 and (until - since) - (count - 1) * seconds < seconds / 2:
            count -= 1
        windows: list[list[float]] = [[] for _ in range(count)]
        with self._lock:
            timeline = list(self.timeline)
        for answered, ms in timeline:
            if since <= answered < until:
                windows[min(int((answered - since) // seconds), count - 1)].append(ms)
        return [percentile(sorted(w), 0.95) if w else None for w in windows]

    def table(self) -> str:
        rows = [
            f"{'endpoint':<28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  errors"
        ]
        for endpoint in sorted(self.latencies):
            s = self.summary(endpoint)
            errors = " ".join(f"{code}×{n}" for code, n in sorted(s["errors"].items())) or "-"
            rows.append(
                f"{endpoint:<28} {s['n']:>6} {s['p50']:>8.0f} {s['p95']:>8.0f} "
                f"{s['p99']:>8.0f} {s['max']:>8.0f}  {errors}"
            )
        return "\n".join(rows)


def cpu_calibration_ms() -> float:
    """The best of three runs of a fixed pure-Python loop: how fast this machine's cores are
    at the time, so that runs on other machines or days can be compared."""
    best = float("inf")
    for _run in range(3):
        started = time.process_time()
        total = 0
        for n in range(2_000_000):
            total += n
        best = min(best, time.process_time() - started)
    return round(best * 1000, 1)
