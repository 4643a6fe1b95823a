"""Every POST is behind CSRF; the admin is not at /admin/."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

# Views allowed to skip Django's CSRF check, and why.
CSRF_EXEMPT_ALLOWED = {
    # Stripe signs every webhook call (shop.online.services checks the signature).
    "shop.online.views.StripeWebhookView",
}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def view_name(callback) -> str:
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return f"{view.__module__}.{view.__qualname__}"


def test_no_view_is_csrf_exempt_except_the_allow_list():
    exempt = {}
    for route, callback in walk(get_resolver().url_patterns):
        if not getattr(callback, "csrf_exempt", False):
            continue
        view = getattr(callback, "cls", None)
        if view is not None and issubclass(view, APIView):
            continue  # DRF: checked below
        exempt[view_name(callback)] = route
    assert set(exempt) == CSRF_EXEMPT_ALLOWED, exempt


def test_api_views_take_tokens_or_a_session_with_csrf():
    """DRF views are csrf_exempt for Django; their SessionAuthentication enforces CSRF itself."""
    from rest_framework.authentication import SessionAuthentication, TokenAuthentication

    api_views = [
        callback.cls
        for _, callback in walk(get_resolver().url_patterns)
        if isinstance(getattr(callback, "cls", None), type) and issubclass(callback.cls, APIView)
    ]
    assert len(api_views) >= 5
    for view in api_views:
        for auth in view().get_authenticators():
            assert isinstance(auth, TokenAuthentication | SessionAuthentication), (view, auth)
            if isinstance(auth, SessionAuthentication):
                assert type(auth).enforce_csrf is SessionAuthentication.enforce_csrf


def test_a_session_post_to_the_api_without_a_csrf_token_is_refused(db):
    from django.test import Client
    from oscar.test.factories import UserFactory

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post("/api/v1/stock-records/1/intakes/", {})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_form_post_without_a_csrf_token_is_refused(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"login-username": "a@b.example", "login-password": "x"}
    )
    assert response.status_code == 403


def test_the_admin_is_not_at_its_default_path(client, db):
    assert settings.ADMIN_URL != "admin/"
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    assert client.get(f"/{settings.ADMIN_URL}login/").status_code == 200
