"""Read requests survive PostgreSQL ending the session under them.

When the database server ends a session (restart, failover,
``pg_terminate_backend``) while a request is using it, the request fails
with a 500 even though the next one would succeed on a fresh connection.
For GET and HEAD — requests that change nothing the buyer asked for — this
middleware, outermost, closes the dead connection and answers the request
once more. Anything else keeps its error: whether a POST's transaction
committed before the session ended cannot be known, so it is never repeated.
"""

import logging

from django.db import connections

logger = logging.getLogger(__name__)

SAFE_METHODS = {"GET", "HEAD"}


def _lost_connections() -> list:
    """Connections that failed during the request and no longer answer."""
    return [
        conn
        for conn in connections.all(initialized_only=True)
        if conn.connection is not None and conn.errors_occurred and not conn.is_usable()
    ]


class RetryReadOnLostDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 500 or request.method not in SAFE_METHODS:
            return response
        lost = _lost_connections()
        if not lost:
            return response
        for conn in lost:
            conn.close()
        logger.warning(
            "database session lost during %s %s; answering once more", request.method, request.path
        )
        return self.get_response(request)
