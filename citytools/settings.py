"""Settings for City Tools, read from the environment.

Every setting a deployment may change is documented in docs/configuration.md, and
tests/test_docs.py fails when one is missing there.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("CITYTOOLS_DEBUG")
DEMO_MODE = env_flag("CITYTOOLS_DEMO_MODE")
DATA_DIR = Path(os.environ.get("CITYTOOLS_DATA_DIR", PROJECT_DIR / "var"))

# A development key is only acceptable while DEBUG or demo mode is on; production must set one.
SECRET_KEY = os.environ.get("CITYTOOLS_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE or os.environ.get("CITYTOOLS_TESTING"):
        SECRET_KEY = "citytools-insecure-development-key-never-use-in-production"
    else:
        raise ImproperlyConfigured("Set CITYTOOLS_SECRET_KEY (see docs/configuration.md).")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("CITYTOOLS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "citytools.core",
    "citytools.directory",
    "citytools.inventory",
    "citytools.contracts",
    "citytools.market",
    "citytools.search",
    "citytools.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "citytools.core.middleware.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "citytools.urls"
WSGI_APPLICATION = "citytools.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "citytools.core.context_processors.site",
            ],
        },
    }
]

if "DATABASE_URL" not in os.environ:
    # The embedded default keeps its database in the data directory; make sure it exists.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'citytools.sqlite3'}"),
        conn_max_age=int(os.environ.get("CITYTOOLS_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the live server, the worker and a shell read while one of them writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("CITYTOOLS_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("CITYTOOLS_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
NODE_MODULES = Path(os.environ.get("CITYTOOLS_NODE_MODULES", PROJECT_DIR / "node_modules"))
# Only the built files each library ships are served, never the whole of node_modules.
STATICFILES_DIRS = [
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vega", NODE_MODULES / "vega" / "build"),
    ("vega-lite", NODE_MODULES / "vega-lite" / "build"),
    ("vega-embed", NODE_MODULES / "vega-embed" / "build"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "CITYTOOLS_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CITYTOOLS_LOG_LEVEL", "WARNING")},
}

# How far ahead "ending soon" looks on the overview and entity pages.
CITYTOOLS_ENDING_SOON_DAYS = int(os.environ.get("CITYTOOLS_ENDING_SOON_DAYS", "365"))
