"""The broker transport: a connection closed twice while Redis is away is not a crash."""

import uuid

import pytest
from kombu import Connection


def _closed_twice(url: str, transport: str) -> None:
    """What Celery's consumer does when Redis goes: the channel holds a message it has not
    acknowledged, the connection is closed (its transport detached), and closed again."""
    with Connection(url, transport=transport) as conn:
        queue = conn.SimpleQueue(f"broker-test-{uuid.uuid4().hex}")
        queue.put({"n": 1})
        message = queue.get(timeout=2)  # delivered, not acknowledged (acks late)
        assert message.payload == {"n": 1}
        channel = conn.default_channel
        conn.transport.client = None  # what the first close left behind
        conn.maybe_close_channel(channel)  # kombu's cleanup: connection errors are ignored


def test_kombus_own_transport_crashes_on_the_second_close(redis_url):
    """The fault this transport closes (if kombu fixes it, config.broker can go)."""
    with pytest.raises(AttributeError, match="hostname"):
        _closed_twice(redis_url, "redis")


def test_our_transport_turns_it_into_a_connection_error_that_cleanup_ignores(redis_url):
    _closed_twice(redis_url, "config.broker:Transport")


def test_celery_uses_it_for_a_redis_broker():
    from django.conf import settings

    from config.celery_app import app

    if settings.CELERY_BROKER_URL.startswith("redis"):
        assert app.connection_for_write().transport_cls == "config.broker:Transport"
    else:  # no broker (the demo): tasks run in-process
        assert settings.CELERY_TASK_ALWAYS_EAGER
