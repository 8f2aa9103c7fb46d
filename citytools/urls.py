from django.conf import settings
from django.urls import include, path

from citytools.api import api
from citytools.inventory import urls as inventory_urls
from citytools.market import inventory_urls as inventory_pages

# The "inventory" URL namespace holds inventory's editing pages and the matrix, product and
# service-area pages that market (the read side of the map) serves.
inventory = (inventory_pages.urlpatterns + inventory_urls.urlpatterns, inventory_urls.app_name)

urlpatterns = [
    path("", include("citytools.market.urls")),
    path("", include("citytools.market.directory_urls")),
    path("", include(inventory)),
    path("", include("citytools.contracts.urls")),
    path("search/", include("citytools.search.urls")),
    path("", include("citytools.accounts.urls")),
    path("challenges/", include("citytools.partnering.urls")),
    path("", include("citytools.satisfaction.urls")),
    path("", include("citytools.opportunities.urls")),
    path("", include("citytools.opportunities.urls_alerts")),
    path("", include("citytools.spreadsheets.urls")),
    path("", include("citytools.notices.urls")),
    path("", include("citytools.registers.urls")),
    path("", include("citytools.freshness.urls")),
    path("", include("citytools.inbox.urls")),
    path("api/v1/", api.urls),
    path("", include("citytools.core.urls")),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "citytools.core.views.bad_request"
handler403 = "citytools.core.views.permission_denied"
handler404 = "citytools.core.views.not_found"
handler500 = "citytools.core.views.server_error"
