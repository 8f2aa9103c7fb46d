"""Test settings: the real settings, with the few changes a test run needs."""

import os

os.environ.setdefault("CITYTOOLS_TESTING", "1")

from citytools.settings import *  # noqa: F403  (the test settings extend the real ones)

DEMO_MODE = False
# Test runs use the finders directly instead of a collected, hashed manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = True

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

import tempfile  # noqa: E402

# Uploads go to a throw-away directory, never the developer's data directory.
MEDIA_ROOT = tempfile.mkdtemp(prefix="citytools-test-media-")
