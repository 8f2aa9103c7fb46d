"""The two session limits: idle, and absolute.

Idle: a session expires SESSION_COOKIE_AGE after it was last saved. A signed-in request saves
it again, moving the expiry on, but at most once every SESSION_REFRESH_SECONDS: reading a page
is then not a write to the database (which on SQLite would queue every reader behind the one
writer), and a session idle for SESSION_COOKIE_AGE still ends, give or take that interval.

Absolute: signed out SESSION_MAX_HOURS after signing in, however active, which caps how long
a stolen session cookie stays useful.
"""

import datetime

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SIGNED_IN_AT = "citytools_signed_in_at"
REFRESHED_AT = "citytools_refreshed_at"


@receiver(user_logged_in, dispatch_uid="citytools.accounts.sessions.record_sign_in")
def record_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SIGNED_IN_AT] = now
        request.session[REFRESHED_AT] = now


def due_for_refresh(session, now: float) -> bool:
    """Whether a signed-in request should save the session again, to move its expiry on."""
    refreshed = session.get(REFRESHED_AT)
    return not isinstance(refreshed, (int, float)) or now - refreshed >= settings.SESSION_REFRESH_SECONDS


def session_expired(session) -> bool:
    """A session without a sign-in time predates this rule: it counts as expired."""
    started = session.get(SIGNED_IN_AT)
    if not isinstance(started, (int, float)):
        return True
    limit = datetime.timedelta(hours=settings.SESSION_MAX_HOURS).total_seconds()
    return timezone.now().timestamp() - started >= limit


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and session_expired(request.session):
            # logout() flushes the session and makes request.user anonymous, so this request
            # is answered as for the public and the next one must sign in again.
            logout(request)
            signed_in = False
        response = self.get_response(request)
        now = timezone.now().timestamp()
        if signed_in and request.user.is_authenticated and due_for_refresh(request.session, now):
            # A change to the session makes SessionMiddleware save it, with a new expiry.
            request.session[REFRESHED_AT] = now
        return response
