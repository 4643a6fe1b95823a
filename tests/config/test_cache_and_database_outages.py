"""Redis or PostgreSQL going away must not turn the next page into an error."""

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.test import Client

from config.cache import ForgivingRedisCache
from testing.ports import free_port


def cache_at(url: str) -> ForgivingRedisCache:
    return ForgivingRedisCache(
        url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


def test_cache_without_redis_misses_drops_writes_and_counts_as_a_missing_key():
    cache = cache_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    assert cache.get("k", "default") == "default"
    cache.set("k", 1)
    assert cache.add("k", 1) is False
    assert cache.get_many(["k"]) == {}
    assert cache.delete("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")


def test_cache_with_redis_behaves_as_djangos(redis_url):
    cache = cache_at(redis_url)
    cache.set("forgiving-test-key", 41, timeout=30)
    assert cache.incr("forgiving-test-key") == 42
    assert cache.get("forgiving-test-key") == 42
    cache.delete("forgiving-test-key")


def test_cache_commands_share_one_redis_client(redis_url):
    """Django builds a redis.Redis per command; ours keeps one per connection pool."""
    cache = cache_at(redis_url)
    first = cache._cache.get_client("a", write=True)
    assert cache._cache.get_client("b") is first
    cache.set("forgiving-test-key", 1, timeout=30)
    assert cache.get("forgiving-test-key") == 1
    assert cache._cache.get_client("c", write=True) is first
    cache.delete("forgiving-test-key")


def test_rate_limit_lets_requests_through_while_redis_is_away(settings):
    from security.throttle import rate_limit_hit

    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    assert rate_limit_hit(scope="quick-order", client="u1") == 0


def test_a_connection_postgres_ended_is_replaced_at_the_next_request(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    s = connection.settings_dict
    admin = f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    with psycopg.connect(admin, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    close_old_connections()  # what Django does when the next request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.fixture
def halfway(settings, postgres):
    from tests.config import lost_database_urls

    settings.ROOT_URLCONF = "tests.config.lost_database_urls"
    lost_database_urls.calls.clear()
    return lost_database_urls.calls


def test_a_read_whose_database_session_ends_halfway_is_answered_again(halfway):
    response = Client(raise_request_exception=False).get("/halfway/")
    assert (response.status_code, halfway) == (200, ["GET", "GET"])


def test_a_post_that_committed_nothing_is_answered_again(halfway):
    response = Client(raise_request_exception=False).post("/halfway/")
    assert (response.status_code, halfway) == (200, ["POST", "POST"])


def test_a_post_whose_write_went_with_the_interrupted_transaction_is_answered_again(halfway):
    response = Client(raise_request_exception=False).post("/halfway/?write=transaction")
    assert (response.status_code, halfway) == (200, ["POST", "POST"])


def test_a_json_post_is_not_repeated_its_body_cannot_be_read_again(halfway):
    response = Client(raise_request_exception=False).post(
        "/halfway/", {"units": 5}, content_type="application/json"
    )
    connection.close()
    assert (response.status_code, halfway) == (500, ["POST"])


def test_a_multipart_post_is_answered_again_with_its_upload_from_the_start(halfway):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = SimpleUploadedFile("lots.csv", b"sku,units\nTB-MT-2500,5\n")
    response = Client(raise_request_exception=False).post(
        "/halfway/?read_upload=1", {"sheet": sheet}
    )
    assert (response.status_code, halfway) == (200, ["POST", "POST"])
    assert response.content == b"sku,units\nTB-MT-2500,5\n"


def test_a_post_that_had_committed_a_write_is_never_repeated(halfway):
    response = Client(raise_request_exception=False).post("/halfway/?write=before")
    connection.close()  # what the end of a real request does with the dead session
    assert (response.status_code, halfway) == (500, ["POST"])


def test_an_error_on_a_live_session_is_not_taken_for_a_lost_one(postgres, settings):
    """A failed statement inside a transaction leaves the session unusable until rollback,
    not lost: the request is not repeated."""
    from django.db import IntegrityError

    from tests.config import lost_integrity_urls

    settings.ROOT_URLCONF = "tests.config.lost_integrity_urls"
    lost_integrity_urls.calls.clear()
    with pytest.raises(IntegrityError):
        Client().get("/duplicate/")
    assert lost_integrity_urls.calls == ["GET"]


def test_the_quick_order_page_is_answered_again_when_its_session_ends_halfway(
    postgres, demo_world, monkeypatch
):
    """A real page, with Oscar's basket middleware, rendered a second time on the same request."""
    from django.contrib.auth import get_user_model

    from shop.views.quick_order import QuickOrderView
    from tests.config.lost_database_urls import _terminate

    real, calls = QuickOrderView.get_context_data, []

    def session_ends_first_time(self, **kwargs):
        calls.append(True)
        if len(calls) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                _terminate(cursor.fetchone()[0])
        return real(self, **kwargs)

    monkeypatch.setattr(QuickOrderView, "get_context_data", session_ends_first_time)
    client = Client(raise_request_exception=False)  # the first attempt's error is logged
    client.force_login(get_user_model().objects.get(email="buyer@guoguang.example"))
    response = client.get("/quick-order/")
    assert (response.status_code, len(calls)) == (200, 2), response.content[-3000:]
