"""Where errors go: Sentry when SENTRY_DSN is set, otherwise mail to ADMINS (config/logs.py).

Sentry gets unhandled exceptions of requests (Django) and of tasks (Celery),
with the request id as a tag, and no personal data (no cookies, bodies or
users' addresses are sent).
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration


def _tag_request_id(event, hint):
    from config.logs import current_request_id

    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def errors_to_sentry(*, dsn: str, environment: str, traces_sample_rate: float = 0.0) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(event_level=None),  # exceptions, not every error line, are events
        ],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        before_send=_tag_request_id,
    )
