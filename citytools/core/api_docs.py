"""The API's interactive documentation (/api/v1/docs), within the site's Content-Security-Policy.

django-ninja's own Swagger page loads Swagger UI from a CDN, which the policy (script-src
'self') blocks, leaving a blank page. This one serves swagger-ui-dist from npm through
whitenoise like every other front-end library, and starts it from a script file, never an
inline one: the settings travel as JSON in a data block.
"""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

SETTINGS = {
    "layout": "BaseLayout",
    "deepLinking": True,
    # Swagger UI would otherwise ask validator.swagger.io for a badge: no request leaves the site.
    "validatorUrl": None,
}


class SwaggerDocs(DocsBase):
    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        settings = {**SETTINGS, "url": self.get_openapi_url(api, kwargs)}
        context = {"api": api, "swagger_settings": json.dumps(settings)}
        return render(request, "core/api_docs.html", context)
