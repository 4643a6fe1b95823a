"""A view whose database session PostgreSQL ends halfway, the first time it runs.

``?write=before`` writes (in autocommit) before the session ends;
``?write=transaction`` writes inside a transaction the loss interrupts;
``?read_upload=1`` reads the uploaded ``sheet`` and answers with it.
``halfway/`` is declared safe to repeat; ``halfway-file/`` (a side effect outside the
database first) is not.
"""

import psycopg
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from security.replay import safe_to_repeat

calls: list[str] = []


def _terminate(pid: int) -> None:
    s = connection.settings_dict
    url = f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def _touch(cursor) -> None:
    cursor.execute("UPDATE django_site SET name = name")


@safe_to_repeat
@csrf_exempt
def session_ended_halfway(request):
    write = request.GET.get("write")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        if write == "before":
            _touch(cursor)
    calls.append(request.method)
    upload = request.FILES["sheet"].read() if request.GET.get("read_upload") else None
    with transaction.atomic():
        with connection.cursor() as cursor:
            if write == "transaction":
                _touch(cursor)
            if len(calls) == 1:
                _terminate(pid)
            cursor.execute("SELECT 1")
    return HttpResponse(upload if upload is not None else "ok")


files_written: list[str] = []


@csrf_exempt
def file_written_then_session_ended(request):
    """Not declared safe to repeat: it writes a file (say, a lot-sheet preview) first."""
    files_written.append(request.method)
    return session_ended_halfway.__wrapped__(request)


urlpatterns = [
    path("halfway/", session_ended_halfway),
    path("halfway-file/", file_written_then_session_ended),
]
