"""Rate limits on login, quick order and imports: 429 with a friendly page."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from farmers.models import LotImport
from tests.shop.conftest import make_buyer


@pytest.fixture(autouse=True)
def throttle_clock_inside_one_window(monkeypatch):
    """The limits are fixed windows of the clock: requests that straddled a window's end
    would be counted in two windows (a test's fourth post let through, now and then).
    Each test here runs on one instant, a second into a window of 60 s and of 300 s."""
    from security import throttle

    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: 1_800_000_001.0))


def test_quick_order_posts_over_the_limit_get_a_friendly_429(client, enterprise, buyer, settings):
    settings.TAIBAO_RATE_LIMITS = {**settings.TAIBAO_RATE_LIMITS, "quick-order": (3, 60)}
    client.force_login(buyer)
    codes = [
        client.post("/quick-order/", {"lines": "NOPE 1", "action": "check"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    response = client.post("/quick-order/", {"lines": "NOPE 1", "action": "check"})
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.content.decode()
    assert "security-throttled" in body and "请求过于频繁" in body
    # Reading the page is not limited, and another buyer has a limit of their own.
    assert client.get("/quick-order/").status_code == 200
    client.force_login(make_buyer(email="other@a.example", enterprise=enterprise))
    assert client.post("/quick-order/", {"lines": "NOPE 1", "action": "check"}).status_code == 200


def test_lot_sheet_uploads_over_the_limit_get_a_429_and_import_nothing(client, ours, settings):
    settings.TAIBAO_RATE_LIMITS = {**settings.TAIBAO_RATE_LIMITS, "import": (2, 300)}
    client.force_login(ours.user)
    codes = [
        client.post(
            "/dashboard/seller/import/",
            {"seller": ours.seller.pk, "sheet": SimpleUploadedFile("a.csv", b"x,y\n1,2\n")},
        ).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert LotImport.objects.count() == 0


def test_login_posts_from_one_address_are_limited(client, db, settings):
    settings.TAIBAO_RATE_LIMITS = {**settings.TAIBAO_RATE_LIMITS, "login": (4, 300)}
    settings.AXES_FAILURE_LIMIT = 100  # the rate limit, not the cool-off
    codes = [
        client.post(
            "/accounts/login/",
            {"login-username": f"u{i}@x.example", "login-password": "x", "login_submit": "1"},
            REMOTE_ADDR="10.9.9.9",
        ).status_code
        for i in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]
    other = client.post(
        "/accounts/login/",
        {"login-username": "u@x.example", "login-password": "x", "login_submit": "1"},
        REMOTE_ADDR="10.9.9.10",
    )
    assert other.status_code == 200
