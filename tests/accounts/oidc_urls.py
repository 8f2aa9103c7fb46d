"""The site's URLs with single sign-on mounted, as citytools/urls.py does when it is enabled."""

from django.urls import include, path

from citytools.urls import handler403, handler404, handler500  # noqa: F401
from citytools.urls import urlpatterns as site

urlpatterns = [*site, path("oidc/", include("mozilla_django_oidc.urls"))]
