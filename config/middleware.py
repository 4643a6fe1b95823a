"""Requests survive PostgreSQL ending the session under them, when that is safe.

When the database server ends a session (restart, failover,
``pg_terminate_backend``) while a request is using it, the request fails
with a 500 even though the next one would succeed on a fresh connection.
This middleware, outermost, watches every statement the request runs. If
the session was lost, it closes the dead connection and answers the request
once more — but only when repeating it cannot do anything twice:

- a GET or HEAD (they change nothing the buyer asked for), or
- a form POST (its fields and files are kept, so they can be read again)
  to a view declared :func:`safe_to_repeat`, that had committed nothing
  before the loss: it ran no write in autocommit and no transaction of its
  with a write committed. A write inside a transaction the loss interrupted
  was rolled back with it.

Only statements are watched: a file written, a mail sent, a task enqueued or
a cache counter moved by the first run would happen again. So a POST is
repeated only when its view says, with the decorator, that everything it does
outside the database is harmless to do twice; the default is not to repeat.

A write in autocommit counts as committed even if its statement failed, and
a failure at COMMIT itself is not seen here, so its 500 stays: whether the
server committed cannot be known, and such a request is never repeated.
"""

import logging
import re

from django.db import DatabaseError, connections

from security.replay import safe_to_repeat  # noqa: F401  (re-exported: the decorator views use)

logger = logging.getLogger(__name__)

SAFE_METHODS = {"GET", "HEAD"}
# Bodies Django keeps once parsed (request.POST, request.FILES): a second run reads them
# again. Another body (JSON for the API) was read from the stream and cannot be.
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
_CHANGES_NOTHING = re.compile(r"\s*(SELECT|SHOW|SET|SAVEPOINT|RELEASE|ROLLBACK)\b", re.IGNORECASE)


def _session_lost(connection) -> bool:
    """The server ended this connection's session (not: a statement failed on a live one)."""
    raw = connection.connection
    return raw is not None and bool(getattr(raw, "closed", False) or getattr(raw, "broken", False))


class _Watch:
    """An execute wrapper: did this request lose its session, had it committed a write?"""

    def __init__(self, connection):
        self.connection = connection
        self.lost = False
        self.committed = False

    def _mark_committed(self) -> None:
        self.committed = True

    def __call__(self, execute, sql, params, many, context):
        if not _CHANGES_NOTHING.match(sql):
            if not self.connection.in_atomic_block:
                self.committed = True
            else:  # each time: a savepoint rolled back drops the callbacks made inside it
                self.connection.on_commit(self._mark_committed)
        try:
            return execute(sql, params, many, context)
        except DatabaseError:
            self.lost = self.lost or _session_lost(self.connection)
            raise

    def session_lost(self) -> bool:
        """Lost under a statement, or under anything else (opening a transaction …)."""
        return self.lost or (self.connection.errors_occurred and _session_lost(self.connection))


def _declared_safe(view_func) -> bool:
    return bool(
        getattr(view_func, "safe_to_repeat", False)
        or getattr(getattr(view_func, "view_class", None), "safe_to_repeat", False)
    )


class RetryOnLostDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        watches = [_Watch(conn) for conn in connections.all()]
        response = self._respond(request, watches)
        if response.status_code != 500 or not any(w.session_lost() for w in watches):
            return response
        if request.method not in SAFE_METHODS and (
            not getattr(request, "safe_to_repeat", False)
            or any(w.committed for w in watches)
            or request.content_type not in FORM_TYPES
        ):
            return response
        for watch in watches:
            watch.connection.close()
        for upload in request.FILES.values():
            upload.seek(0)  # the first attempt may have read it
        logger.warning(
            "database session lost during %s %s; answering once more", request.method, request.path
        )
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.safe_to_repeat = _declared_safe(view_func)

    def _respond(self, request, watches):
        for watch in watches:
            watch.connection.execute_wrappers.append(watch)
        try:
            return self.get_response(request)
        finally:
            for watch in watches:
                watch.connection.execute_wrappers.remove(watch)
