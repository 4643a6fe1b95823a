"""The load harness still finds the web processes' server errors in structured (JSON) logs."""

import logging
import logging.config
import sys

from config.logs import logging_settings
from loadtest.stack import Stack


def rendered_error() -> str:
    config = logging_settings(json=True, level="INFO", mail_admins=False)
    formatter = logging.config.dictConfigClass(config).configure_formatter(
        config["formatters"]["structured"]
    )
    try:
        raise KeyError("basket")
    except KeyError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
            ("/checkout/",), sys.exc_info(),
        )  # fmt: skip
    return formatter.format(record)


def test_web_errors_reads_json_lines_and_text_lines(tmp_path):
    stack = Stack.__new__(Stack)
    stack.log_dir = tmp_path
    text_error = "Internal Server Error: /basket/\nTraceback (most recent call last):\n  File x\nValueError: bad\n"
    (tmp_path / "web.log").write_text(
        '{"event": "GET /", "level": "info"}\n' + rendered_error() + "\n" + text_error
    )
    assert stack.web_errors() == [
        "Internal Server Error: /checkout/ — KeyError: 'basket'",
        "Internal Server Error: /basket/ — ValueError: bad",
    ]
