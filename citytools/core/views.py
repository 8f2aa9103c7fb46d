"""Error pages: generic on purpose, so that nothing about the data or the code leaks; and
where a form may send the person afterwards."""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request) -> str:
    """Where the page that sent a form asked to go afterwards (`next`, posted or in the query
    string), if it is on this site; otherwise "" (never another site: no open redirect)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


def not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "core/403.html", status=403)


def server_error(request):
    return render(request, "core/500.html", status=500)
