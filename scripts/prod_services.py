"""Check that production's services answer before anything starts; create the database if missing.

Run by `make prod` (scripts/prod.sh) with DATABASE_URL and REDIS_URL (and
CELERY_BROKER_URL when the broker is not Redis) in the environment. Exits 1
with a message naming the service and what to do when one is not there.
"""

import os
import sys
from urllib.parse import unquote, urlparse

import psycopg
from psycopg import sql


def fail(message: str) -> None:
    print(f"make prod: {message}", file=sys.stderr)
    sys.exit(1)


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    return parsed._replace(netloc=parsed.netloc.replace(f":{parsed.password}@", ":***@")).geturl()


def database_ensure(url: str) -> str:
    """Connect to DATABASE_URL's database, creating it on the same server when it does not exist."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        fail(f"DATABASE_URL must be PostgreSQL for production, not {parsed.scheme or url!r}")
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        fail("DATABASE_URL names no database (…:5432/taibao)")
    try:
        with psycopg.connect(url, connect_timeout=5):
            return f"PostgreSQL database {name!r} is reachable"
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            fail(
                f"PostgreSQL at {parsed.hostname}:{parsed.port or 5432} is not reachable: "
                f"{str(error).strip()}\n  Start PostgreSQL or point DATABASE_URL at it."
            )
    maintenance = parsed._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(maintenance, connect_timeout=5, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        fail(f"could not create the database {name!r}: {str(error).strip()}")
    return f"PostgreSQL database {name!r} created"


def redis_check(url: str, purpose: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as error:
        fail(
            f"Redis ({purpose}) at {shown(url)} is not reachable: {error}\n  Start Redis or fix REDIS_URL."
        )
    return f"Redis ({purpose}) is reachable"


def broker_check(url: str) -> str:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:  # kombu raises the transport's own errors
        fail(f"the Celery broker at {shown(url)} is not reachable: {error}")
    return "the Celery broker is reachable"


def main() -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not database_url:
        fail("set DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/taibao")
    if not (redis_url or broker_url):
        fail("set REDIS_URL (or CELERY_BROKER_URL): production runs tasks in Celery workers")
    print(database_ensure(database_url))
    if redis_url:
        print(redis_check(redis_url, "cache" if broker_url else "broker and cache"))
    if broker_url:
        print(broker_check(broker_url))


if __name__ == "__main__":
    main()
