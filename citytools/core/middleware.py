"""The site's own middleware: health probes answered first, and bad text refused.

Refuse a path or query string that breaks the site's text rule before any view sees it.

The rule is citytools.core.text's, the same that JSON bodies, forms, spreadsheet imports and
the command line apply. PostgreSQL cannot store or compare a string holding NUL, so a filter
such as `?organisation=%00` would otherwise become a database error (a 500) on PostgreSQL
while SQLite merely found nothing. One refusal here keeps every door, page or API, consistent.
"""

from django.http import HttpResponse
from django.urls import reverse

from citytools.core import views
from citytools.core.api import for_api, plain_problem, status_problem
from citytools.core.text import refusal_message, text_problem


class RefuseBadTextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for field, subject, text in _texts(request):
            problem = text_problem(text)
            if problem:
                return refusal(request, refusal_message(problem, field=field, subject=subject))
        return self.get_response(request)


def _texts(request):
    yield None, "The address", request.path
    for key, values in request.GET.lists():
        yield None, "The query string", key
        for value in values:
            yield key, "", value


def refusal(request, detail: str) -> HttpResponse:
    if for_api(request):
        return plain_problem(status=400, title="Invalid request", detail=detail, code="invalid_text")
    return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")


class ApiProblemMiddleware:
    """The last net under /api/: an error answered in anything but JSON becomes problem+json.

    The API's handlers (citytools.core.api) and the site's error views (citytools.core.views)
    already answer problem+json for what they see; a few answers are made by the framework
    itself, such as django-ninja's 405 for a method a path does not offer, in plain text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            for_api(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(("application/json", "application/problem+json"))
        ):
            title, detail, code = status_problem(response.status_code)
            problem = plain_problem(status=response.status_code, title=title, detail=detail, code=code)
            if response.has_header("Allow"):
                problem["Allow"] = response["Allow"]
            return problem
        return response


class HealthProbeMiddleware:
    """Answers GET and HEAD of the health checks (/healthz, /readyz) before any other
    middleware, so that a probe needs no session, no CSRF token and no sign-in, and is
    neither refused for the host it names (a load balancer asks by the server's own address,
    which ALLOWED_HOSTS need not list) nor redirected to HTTPS (it asks over plain HTTP,
    inside the network). Liveness therefore touches no database even when a cookie comes
    along. Every other method goes the usual way, to the same views, which refuse it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.probes = None

    def __call__(self, request):
        if self.probes is None:
            self.probes = {reverse("core:healthz"): views.healthz, reverse("core:readyz"): views.readyz}
        view = self.probes.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
