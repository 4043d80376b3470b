"""Bare views for the benchmark: what Django and the middleware cost with no work, and with one row written."""

from django.db import connection
from django.http import HttpResponse

# Created by bench/web.py with raw SQL, so the benchmark leaves no model or migration behind.
INSERT_TABLE = "bench_insert"


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


def insert(request):
    # One row, one autocommitted INSERT, behind the same CSRF check as the form: the cheapest
    # durable write through this stack.
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {INSERT_TABLE} (note) VALUES (%s)", [request.method])  # noqa: S608
    return HttpResponse("ok", content_type="text/plain")
