"""Who a command acts as. Commands that read or write as one person take `--as EMAIL`; each
app's commands turn it into a user and their Viewer here, so all refuse an unknown address
the same way."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from citytools.accounts.viewer import Viewer


def viewer_for(email: str) -> tuple[object, Viewer]:
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user with the e-mail address {email!r}.")
    return user, Viewer.for_user(user)
