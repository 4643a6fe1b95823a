"""A view whose database session PostgreSQL ends halfway, the first time it runs."""

import psycopg
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

calls: list[str] = []


def _terminate(pid: int) -> None:
    s = connection.settings_dict
    url = f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@csrf_exempt
def session_ended_halfway(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    calls.append(request.method)
    if len(calls) == 1:
        _terminate(pid)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok")


urlpatterns = [path("halfway/", session_ended_halfway)]
