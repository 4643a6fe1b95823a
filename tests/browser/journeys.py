"""Steps the everyday-journey browser tests share: signing in as a demo account, screenshots."""

from pathlib import Path

from django.conf import settings

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def sign_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", settings.TAIBAO_DEMO_PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()


def sign_out(page, live_server) -> None:
    page.context.clear_cookies()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
