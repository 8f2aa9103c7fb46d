"""Puts the Viewer on every request, and keeps member-only responses out of shared caches."""

from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject

from citytools.accounts.viewer import Viewer


class ViewerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer = SimpleLazyObject(lambda: Viewer.for_user(getattr(request, "user", None)))
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Anything rendered for a signed-in person may carry member-only information:
            # no shared cache, and no copy left on the device.
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response
