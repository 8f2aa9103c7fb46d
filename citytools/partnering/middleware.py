"""Deadlines close on the server's clock on every request that reads or writes challenges,
not only when a worker runs: before any page or API call under /challenges/, the deadlines
that have passed are closed (one indexed query when none has). Pages elsewhere show no
challenge state, so they are spared the query; the worker's scheduled task closes deadlines
even when nobody asks.
"""

from django.urls import reverse

from citytools.partnering.lifecycle import advance_due


class DeadlineMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = None

    def __call__(self, request):
        if self.prefixes is None:
            self.prefixes = (reverse("partnering:challenges"), reverse("api:api-root") + "challenges")
        if request.path.startswith(self.prefixes):
            advance_due()
        return self.get_response(request)
