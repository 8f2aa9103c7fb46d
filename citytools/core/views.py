"""Error pages: generic on purpose, so that nothing about the data or the code leaks; where
a form may send the person afterwards; and the health checks (/healthz, /readyz).

Under /api/ the same errors are problem+json documents, never HTML: the API's own handlers
(citytools.core.api) answer what an operation raises, and these answer what is raised before
the API is reached, such as a body over the size limit read by a middleware.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request as django_bad_request

from citytools.core import health
from citytools.core.api import SERVER_ERROR, for_api, plain_problem, too_large_detail


def next_url(request) -> str:
    """Where the page that sent a form asked to go afterwards (`next`, posted or in the query
    string), if it is on this site; otherwise "" (never another site: no open redirect)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


def bad_request(request, exception=None):
    if for_api(request):
        if isinstance(exception, RequestDataTooBig):
            return plain_problem(status=413, title="Request too large", detail=too_large_detail(), code="too_large")
        return plain_problem(status=400, title="Bad request", detail="The request could not be read.", code="bad_request")
    return django_bad_request(request, exception)


def not_found(request, exception=None):
    if for_api(request):
        return plain_problem(status=404, title="Not found", detail="No such record.", code="not_found")
    return render(request, "core/404.html", status=404)


def permission_denied(request, exception=None):
    if for_api(request):
        return plain_problem(status=403, title="Forbidden", detail="You may not do this.", code="forbidden")
    return render(request, "core/403.html", status=403)


def server_error(request):
    if for_api(request):
        return plain_problem(status=500, title="Server error", detail=SERVER_ERROR, code="server_error")
    return render(request, "core/500.html", status=500)


# Health checks (citytools.core.health): answered by HealthProbeMiddleware before sessions,
# host checks and HTTPS redirects, and through these URLs for every other method.


@require_safe
def healthz(request):
    return no_store(JsonResponse({"status": "ok"}))


@require_safe
def readyz(request):
    ready, checks = health.readiness()
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return no_store(JsonResponse(body, status=200 if ready else 503))


def no_store(response):
    """Never cached (a stale "ok" would hide an outage) and never sniffed: answered before
    SecurityMiddleware, a probe's answer sets its own header."""
    patch_cache_control(response, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response
