"""Refuse query strings carrying NUL characters before any view sees them.

PostgreSQL cannot store or compare a string holding NUL, so a filter such as
`?organisation=%00` would otherwise become a database error (a 500) on PostgreSQL while
SQLite merely found nothing. One refusal here keeps every door, page or API, consistent.
"""

import json

from django.http import HttpResponse


class RejectNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return refusal(request)
        return self.get_response(request)


def refusal(request) -> HttpResponse:
    detail = "The request contains a NUL character, which no field accepts."
    if request.path.startswith("/api/"):
        body = {"type": "about:blank#invalid", "title": "Invalid request", "status": 400, "detail": detail}
        return HttpResponse(json.dumps(body), status=400, content_type="application/problem+json")
    return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")
