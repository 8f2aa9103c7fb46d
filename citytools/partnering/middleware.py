"""Deadlines close on the server's clock on every request, not only when a worker runs."""

from citytools.partnering.lifecycle import advance_due


class DeadlineMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        advance_due()
        return self.get_response(request)
