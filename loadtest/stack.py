"""The production processes on 127.0.0.1, each started here with explicit arguments.

A database of the run's own (dropped and created again), a redis-server on a
free port (so the fault harness may restart it), gunicorn with several sync
workers, a Celery worker on every queue, Celery beat, an SMTP sink that keeps
what it receives (aiosmtpd, in this process) and the fake Stripe API of the
test suite (in this process). DEBUG is off, keys are throwaway ones.
"""

import base64
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from testing.mailbox import Mailbox
from testing.ports import free_port, wait_for_port
from testing.processes import celery_worker_command, redis_server_command

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_SECRET = "whsec_loadtest"


def database_recreate(url: str) -> None:
    """Drop the run's database (ending its sessions) and create it empty."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected database name {name!r}")
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process and its ended children have used so far (0 when gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


def cpu_used(before: dict[int, float], after: dict[int, float], *, tree: bool = True) -> float:
    """CPU seconds a service used between two readings of ``cpu_by_process`` (its first
    process first, each process with the time of the children it has reaped).

    While the service's first process lives, every process of its tree that ended in
    between (a recycled gunicorn worker) was reaped within the tree, and its whole time,
    from before the first reading too, now sits in its parent's: the difference of the
    sums is then exact. A service started again in between (a fault), or processes that
    are no tree of ours (``tree=False``: PostgreSQL's sessions), count what their processes
    alive at the end used since the first reading.
    """
    if tree and before and after and next(iter(before)) == next(iter(after)):
        return sum(after.values()) - sum(before.values())
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


class Service:
    """One child process in its own session, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.args = args
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Service":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill_group(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=60)

    def stop(self, timeout: float = 30) -> None:
        if not self.alive():
            return
        try:
            os.killpg(self.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_group()
        except ProcessLookupError:
            pass


def _final_exception(lines: list[str], chained: tuple[str, ...]) -> str:
    """The exception line a logged traceback ends on."""
    rest = [line for line in lines if line]
    for i, line in enumerate(rest):
        if line.startswith((" ", "Traceback", *chained)):
            continue
        if i + 1 == len(rest) or not rest[i + 1].startswith(chained):
            return line
    return ""


class Stack:
    """Everything the run needs, started in order and stopped in reverse."""

    def __init__(
        self, *, database_url: str, workdir: Path, web_workers: int, celery_concurrency: int
    ):
        self.database_url = database_url
        self.workdir = workdir
        self.web_workers = web_workers
        self.celery_concurrency = celery_concurrency
        self.log_dir = workdir / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.redis_port = free_port()
        self.web_port = free_port()
        self.mailbox = Mailbox(keep_messages=False)
        self.fake_stripe = None
        self.services: dict[str, Service] = {}
        self.env: dict[str, str] = {}

    # -- environment ---------------------------------------------------------------------

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def production_env(self, stripe_url: str) -> dict[str, str]:
        """Production settings (DEBUG off) with throwaway keys, for every process of the run."""
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "STRIPE_"))},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on 127.0.0.1: no proxy in front
            "SECURE_COOKIES": "0",
            "TAIBAO_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",  # as behind a proxy: one per person
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.mailbox.port),
            "STATIC_ROOT": str(self.workdir / "static"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "STRIPE_SECRET_KEY": "sk_test_loadtest",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_loadtest",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": stripe_url,
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    # -- services ------------------------------------------------------------------------

    def start_support(self) -> None:
        """Redis, the SMTP sink and the fake Stripe API: what setup and the apps need first."""
        from testing.fake_stripe import FakeStripe

        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed")
        self.mailbox.start()
        self.fake_stripe = FakeStripe().start()
        self.env = self.production_env(self.fake_stripe.url)
        self.redis_start()

    def redis_start(self) -> None:
        service = Service(
            "redis",
            redis_server_command(self.redis_port, self.workdir),
            self.env,
            self.log_dir,
        ).start()
        self.services["redis"] = service
        wait_for_port(self.redis_port, 20, service.process)

    def redis_stop(self) -> None:
        self.services["redis"].stop()

    def web_start(self) -> None:
        args = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        if (ROOT / "config" / "gunicorn.conf.py").exists():
            args += ["--config", "config/gunicorn.conf.py"]  # the production settings
        args += [
            "--bind",
            f"127.0.0.1:{self.web_port}",
            "--workers",
            str(self.web_workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--access-logfile",
            str(self.log_dir / "access.log"),
            "--access-logformat",
            '%(s)s %(M)s "%(r)s"',
            "--error-logfile",
            "-",
        ]
        env = {**self.env, "GUNICORN_LOG_LEVEL": "warning"}
        self.services["web"] = Service("web", args, env, self.log_dir).start()
        wait_for_port(self.web_port, 90, self.services["web"].process)

    def web_workers_pids(self) -> list[int]:
        return children_of(self.services["web"].pid)

    def worker_start(self) -> None:
        name = f"worker{len([s for s in self.services if s.startswith('worker')])}"
        self.services["worker"] = Service(
            "worker",
            celery_worker_command(
                name=f"load-{name}-{os.getpid()}",
                pool="prefork",
                concurrency=self.celery_concurrency,
            ),
            self.env,
            self.log_dir,
        ).start()

    def beat_start(self) -> None:
        self.services["beat"] = Service(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--schedule",
                str(self.workdir / "celerybeat-schedule"),
                "--loglevel",
                "WARNING",
            ],
            self.env,
            self.log_dir,
        ).start()

    def start_apps(self) -> None:
        self.web_start()
        self.worker_start()
        self.beat_start()

    def cpu_by_process(self) -> dict[str, dict[int, float]]:
        """CPU seconds used so far per process: each service with its children, PostgreSQL's
        sessions on the run's database, and this process (the simulated users)."""
        import psycopg

        usage = {"harness": {os.getpid(): sum(os.times()[:2])}}
        for name, service in self.services.items():
            if service.alive():
                pids = [service.pid, *children_of(service.pid)]
                pids += [c for p in pids[1:] for c in children_of(p)]
                usage[name] = {pid: cpu_seconds(pid) for pid in pids}
        try:
            with psycopg.connect(self.database_url, autocommit=True) as conn:
                backends = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                ).fetchall()
            usage["postgres"] = {pid: cpu_seconds(pid) for (pid,) in backends}
        except psycopg.Error:
            pass
        return usage

    def access_log_size(self) -> int:
        try:
            return (self.log_dir / "access.log").stat().st_size
        except OSError:
            return 0

    def web_times_ms(
        self, method: str, path: str, status: str, between: tuple[int, int] | None = None
    ) -> list[float]:
        """Time gunicorn spent on each such request (its access log, or the part of it
        between two of its sizes), ascending."""
        try:
            with open(self.log_dir / "access.log", "rb") as log:
                start, end = between or (0, None)
                log.seek(start)
                chunk = log.read(None if end is None else end - start)
        except OSError:
            return []
        lines = chunk.decode(errors="replace").splitlines()
        times = []
        for line in lines:  # '<status> <ms> "<method> <path> HTTP/1.1"'
            parts = line.split()
            if len(parts) >= 4 and parts[0] == status and parts[2] == f'"{method}':
                if parts[3].split("?")[0] == path:
                    times.append(float(parts[1]))
        return sorted(times)

    def web_errors(self) -> list[str]:
        """Each "Internal Server Error" the web processes logged, with the exception it ended
        on (the last of a chain: "During handling …" and "The above exception …" go on)."""
        try:
            lines = (self.log_dir / "web.log").read_text(errors="replace").splitlines()
        except OSError:
            return []
        chained = ("During", "The above")
        found = []
        for n, line in enumerate(lines):
            if line.startswith("{"):  # a JSON line (DEBUG=0): the traceback is its "exception"
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                event = str(entry.get("event", ""))
                if event.startswith("Internal Server Error"):
                    traceback = str(entry.get("exception", "")).splitlines()
                    found.append(f"{event} — {_final_exception(traceback, chained)[:200]}")
            elif line.startswith("Internal Server Error"):
                found.append(f"{line} — {_final_exception(lines[n + 1 : n + 2000], chained)[:200]}")
        return found

    def check_alive(self) -> list[str]:
        return [name for name, service in self.services.items() if not service.alive()]

    def stop(self) -> None:
        for name in ("web", "beat", "worker", "redis"):
            service = self.services.get(name)
            if service is not None:
                service.stop()
        if self.fake_stripe is not None:
            self.fake_stripe.stop()
        self.mailbox.stop()
