"""System checks of City Tools' own settings, run by `citytools check` (Django's check
framework), registered by citytools.core.apps. The deploy-tagged ones run with `citytools
check --deploy`, beside Django's own security checks, and fail it with an Error: a production
configuration must not run them.
"""

from django.conf import settings
from django.core.checks import Error

DEMO_MODE_ON = Error(
    "Demo mode is on (CITYTOOLS_DEMO_MODE): every page says its data is invented, and the "
    "demo command may replace records wholesale.",
    hint="Leave CITYTOOLS_DEMO_MODE unset in production.",
    id="citytools.E001",
)
DEVELOPMENT_KEY = Error(
    "The site runs on the fixed development secret key, which anyone can read in the source: "
    "sessions, password-reset links and signed values can be forged.",
    hint="Set CITYTOOLS_SECRET_KEY to 50 or more random characters (docs/security.md).",
    id="citytools.E002",
)


def check_production_settings(app_configs, **kwargs):
    """Demo mode and the development key belong to `make run` and the tests, never to a
    deployment."""
    errors = []
    if settings.DEMO_MODE:
        errors.append(DEMO_MODE_ON)
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        errors.append(DEVELOPMENT_KEY)
    return errors
