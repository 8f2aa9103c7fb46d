"""The absolute session limit: signed out SESSION_MAX_HOURS after signing in, however active.

The idle limit needs no code: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST moves the
session's expiry on with every request, so one that sees no request for that long expires.
The absolute limit caps how long a stolen session cookie stays useful.
"""

import datetime

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SIGNED_IN_AT = "citytools_signed_in_at"


@receiver(user_logged_in, dispatch_uid="citytools.accounts.sessions.record_sign_in")
def record_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = timezone.now().timestamp()


def session_expired(session) -> bool:
    """A session without a sign-in time predates this rule: it counts as expired."""
    started = session.get(SIGNED_IN_AT)
    if not isinstance(started, (int, float)):
        return True
    limit = datetime.timedelta(hours=settings.SESSION_MAX_HOURS).total_seconds()
    return timezone.now().timestamp() - started >= limit


class AbsoluteSessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session_expired(request.session):
            # logout() flushes the session and makes request.user anonymous, so this request
            # is answered as for the public and the next one must sign in again.
            logout(request)
        return self.get_response(request)
