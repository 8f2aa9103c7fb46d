"""What the spreadsheet commands share: the person they act as."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from citytools.accounts.viewer import Viewer


def person(email: str | None):
    """The active user with this address, or None (the public) without one."""
    if not email:
        return None
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user with the e-mail address {email!r}.")
    return user


def viewer_of(user) -> Viewer:
    return Viewer.for_user(user) if user is not None else Viewer.public()
