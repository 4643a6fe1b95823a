"""Logs: one line per event with a timestamp, JSON in production, a request id on every line.

The project logs through the standard library (``logging.getLogger(__name__)``);
structlog's formatter renders those records, and its own loggers alike, with
the context bound for the current request or task (``request_id``, and for a
task its name and id). ``DEBUG=0`` prints one JSON object a line; ``DEBUG=1``
prints the same keys as readable text.
"""

import contextlib
import re
import uuid
from collections.abc import Iterator, Mapping

import structlog

# An incoming X-Request-ID is kept only if it looks like an id: letters, digits and
# ``-_.:``, 8 to 64 of them (a UUID, a proxy's hex id). Anything else gets a new one.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is sane, else a new one."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("request_id")


@contextlib.contextmanager
def bound(**values) -> Iterator[None]:
    """Bind ``values`` to every log line inside the block, restoring what was there after."""
    tokens: Mapping = structlog.contextvars.bind_contextvars(**values)
    try:
        yield
    finally:
        structlog.contextvars.reset_contextvars(**tokens)


_SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def not_a_health_probe(record) -> bool:
    """False for ``/healthz`` answering 503: its failures are for monitors, not mailboxes."""
    request = getattr(record, "request", None)
    probe = getattr(request, "path", "") == "/healthz"
    return not (probe and getattr(record, "status_code", None) == 503)


def structlog_configure() -> None:
    """structlog's own loggers hand their events to the standard library's handlers."""
    structlog.configure(
        processors=[
            *_SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def logging_settings(*, json: bool, level: str, mail_admins: bool) -> dict:
    """Django's LOGGING: everything to stderr, rendered by structlog; errors mailed if asked."""
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    error_handlers = ["mail_admins"] if mail_admins else []
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": _SHARED_PROCESSORS,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
            }
        },
        "filters": {
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
            "not_a_health_probe": {
                "()": "django.utils.log.CallbackFilter",
                "callback": not_a_health_probe,
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "structured"},
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["require_debug_false", "not_a_health_probe"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own defaults would print a second, unstructured copy.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
            "django.request": {"handlers": error_handlers, "level": "ERROR", "propagate": True},
            "celery.app.trace": {"handlers": error_handlers, "level": "INFO", "propagate": True},
            "celery.worker": {"level": "INFO"},
        },
    }


def logging_configure(settings_logging: dict) -> None:
    """Django's LOGGING_CONFIG: structlog first, then the standard library's dictConfig."""
    import logging.config

    structlog_configure()
    logging.config.dictConfig(settings_logging)
