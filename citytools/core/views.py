"""Error pages: generic on purpose, so that nothing about the data or the code leaks."""

from django.shortcuts import render


def not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "core/403.html", status=403)


def server_error(request):
    return render(request, "core/500.html", status=500)
