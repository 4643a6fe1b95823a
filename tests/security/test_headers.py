"""Security headers and the content security policy on real pages."""

import re

import pytest


@pytest.fixture
def home(client, db):
    return client.get("/")


def test_pages_send_the_security_headers(home):
    assert home.status_code == 200
    assert home["X-Frame-Options"] == "DENY"
    assert home["X-Content-Type-Options"] == "nosniff"
    assert home["Referrer-Policy"] == "same-origin"
    assert home["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in home["Permissions-Policy"]


def test_inline_scripts_carry_the_nonce_of_the_policy(home):
    policy = home["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    assert "'unsafe-inline'" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    html = home.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\son[a-z]+=\"", html), "inline event handler"


def test_each_response_has_its_own_nonce(client, db):
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert re.search(r"nonce-[^']+", first).group() != re.search(r"nonce-[^']+", second).group()


def test_stripe_is_not_allowed_outside_the_pay_page(home):
    assert "stripe" not in home["Content-Security-Policy"]
