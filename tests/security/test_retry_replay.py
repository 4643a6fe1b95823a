"""The lost-database retry repeats a POST only when its view declares itself safe to repeat.

It watches SQL alone, so a view with an effect outside the database (a file
written, like a lot-sheet preview's) must not run twice (PostgreSQL: the
session is really ended halfway through the request).
"""

from django.db import connection
from django.test import Client

from config.middleware import _declared_safe
from shop.views.quick_order import QuickOrderView
from tests.config.test_cache_and_database_outages import halfway  # noqa: F401  (fixture)


def test_a_post_to_a_view_not_declared_safe_is_not_repeated(halfway):  # noqa: F811
    from tests.config import lost_database_urls

    lost_database_urls.files_written.clear()
    response = Client(raise_request_exception=False).post("/halfway-file/")
    connection.close()  # what the end of a real request does with the dead session
    assert response.status_code == 500
    assert lost_database_urls.files_written == ["POST"]  # once, not twice


def test_a_get_is_still_answered_again_without_declaring_anything(halfway):  # noqa: F811
    response = Client(raise_request_exception=False).get("/halfway-file/")
    assert (response.status_code, halfway) == (200, ["GET", "GET"])


def test_a_post_to_a_view_declared_safe_is_answered_again(halfway):  # noqa: F811
    response = Client(raise_request_exception=False).post("/halfway/")
    assert (response.status_code, halfway) == (200, ["POST", "POST"])


def test_the_default_is_off_and_the_checked_quick_order_opts_in():
    from farmers.seller_dashboard.views import LotImportView

    assert not _declared_safe(LotImportView.as_view())
    assert _declared_safe(QuickOrderView.as_view())
