"""A redis-server and Celery worker processes of a test's, a benchmark's or a run's own."""

import subprocess
import sys
from pathlib import Path

from testing.ports import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent


def redis_server_command(port: int, workdir: Path) -> list[str]:
    """A redis-server that keeps nothing on disk, on 127.0.0.1:port."""
    return [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
    ]


def celery_worker_command(
    *,
    name: str,
    queues: str | None = "default,notifications,attribution",
    pool: str = "solo",
    concurrency: int | None = None,
    loglevel: str = "WARNING",
) -> list[str]:
    """The project's Celery worker, named ``name@host``, without mingle and gossip."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
    if queues:
        command += ["-Q", queues]
    command += ["--pool", pool]
    if concurrency is not None:
        command += ["--concurrency", str(concurrency)]
    return [
        *command,
        "--without-mingle",
        "--without-gossip",
        "--loglevel",
        loglevel,
        "-n",
        f"{name}@%h",
    ]


class RedisServer:
    """A redis-server process of this test's own, on a free port."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            redis_server_command(self.port, self.workdir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 20, self.process)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None
