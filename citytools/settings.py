"""Settings for City Tools, read from the environment.

Every setting a deployment may change is documented in docs/configuration.md, and
tests/test_docs.py fails when one is missing there.
"""

import json
import os
from datetime import timedelta
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
HTTPS = env_flag("CITYTOOLS_HTTPS")

# A development key is only acceptable while DEBUG or demo mode is on; production must set one.
# Everyone can read this key in the source, so whoever runs on it can be sent forged session
# cookies, password-reset links and signed values.
DEVELOPMENT_SECRET_KEY = "citytools-insecure-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("CITYTOOLS_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE or os.environ.get("CITYTOOLS_TESTING"):
        SECRET_KEY = DEVELOPMENT_SECRET_KEY
    else:
        raise ImproperlyConfigured("Set CITYTOOLS_SECRET_KEY (see docs/configuration.md).")
if HTTPS and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    # HTTPS means a real deployment: refuse to start rather than serve it on a public key.
    # (`citytools check --deploy` says the same of the key, and of demo mode, without HTTPS.)
    raise ImproperlyConfigured(
        "CITYTOOLS_HTTPS is on but the site would run on the public development key: set "
        "CITYTOOLS_SECRET_KEY (see docs/configuration.md)."
    )

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
    "simple_history",
    "axes",
    "mozilla_django_oidc",
    "citytools.core",
    "citytools.accounts",
    "citytools.directory",
    "citytools.inventory",
    "citytools.contracts",
    "citytools.market",
    "citytools.search",
    "citytools.partnering",
    "citytools.satisfaction",
    "citytools.opportunities",
    "citytools.spreadsheets",
    "citytools.notices",
    "citytools.registers",
    "citytools.freshness",
    "citytools.inbox",
    "citytools.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: health probes need no session, host check or HTTPS redirect (docs/operations.md).
    "citytools.core.middleware.HealthProbeMiddleware",
    # Then each request's id, kept on every record logged while it is answered.
    "citytools.core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "citytools.core.middleware.ApiProblemMiddleware",
    "citytools.core.middleware.RefuseBadTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "citytools.accounts.middleware.ViewerMiddleware",
    "citytools.accounts.sessions.SessionLimitsMiddleware",
    "citytools.partnering.middleware.DeadlineMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
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
    # SQLite has one writer at a time; these three make concurrent writers wait their turn
    # instead of failing with "database is locked" (docs/configuration.md#sqlite).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # WAL: readers never wait for the writer, nor the writer for readers.
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        # Every transaction takes the write lock when it begins (BEGIN IMMEDIATE). A transaction
        # that read first and then asked for the lock could not wait for it: SQLite refuses it
        # at once, because another writer may have changed what it read.
        transaction_mode="IMMEDIATE",
    )
    # How long a write waits for the lock (a request behind a large import, say) before failing.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 30)

# An optional read replica of the primary: reads go there, writes and migrations to the
# primary (citytools.core.routers; docs/operations.md#read-replicas). In tests it mirrors the
# test database.
DATABASE_ROUTERS = []
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CITYTOOLS_DB_CONN_MAX_AGE", "0")),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["citytools.core.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "market:overview"
LOGOUT_REDIRECT_URL = "market:overview"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a throttled attempt never reaches a password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A session ends after CITYTOOLS_SESSION_IDLE_MINUTES without a request, and in any case
# CITYTOOLS_SESSION_MAX_HOURS after sign-in (citytools.accounts enforces the second).
SESSION_IDLE_MINUTES = int(os.environ.get("CITYTOOLS_SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("CITYTOOLS_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# A signed-in request moves the idle expiry on by saving the session, at most this often, so
# that reading is not writing (citytools.accounts.sessions).
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
INVITATION_DAYS = int(os.environ.get("CITYTOOLS_INVITATION_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("CITYTOOLS_PASSWORD_RESET_MINUTES", "60")) * 60

# Login throttling: by account and address together, so that nobody can lock another person
# out from elsewhere, and always with a cool-off instead of a permanent lock.
AXES_FAILURE_LIMIT = int(os.environ.get("CITYTOOLS_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CITYTOOLS_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts while locked do not restart the cool-off: someone retrying every few minutes would
# otherwise stay locked for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The client's address, behind a proxy too: see citytools.accounts.addresses and TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "citytools.accounts.addresses.client_address"

# E-mail: the console by default; SMTP when CITYTOOLS_EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("CITYTOOLS_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("CITYTOOLS_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("CITYTOOLS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CITYTOOLS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_flag("CITYTOOLS_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("CITYTOOLS_EMAIL_FROM", "City Tools <citytools@localhost>")
SITE_URL = os.environ.get("CITYTOOLS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Single sign-on through OpenID Connect (e.g. Microsoft Entra ID), on when an issuer is set.
OIDC_ENABLED = bool(os.environ.get("CITYTOOLS_OIDC_CLIENT_ID"))
OIDC_RP_CLIENT_ID = os.environ.get("CITYTOOLS_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("CITYTOOLS_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("CITYTOOLS_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("CITYTOOLS_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("CITYTOOLS_OIDC_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("CITYTOOLS_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("CITYTOOLS_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
# A refused single sign-on comes back to the sign-in page, which says why in general terms.
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("citytools.accounts.oidc.CityToolsOIDCBackend")

# Production hardening, on with CITYTOOLS_HTTPS=1 (see docs/configuration.md) -------------
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("CITYTOOLS_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_flag("CITYTOOLS_HSTS_PRELOAD")
# Preloading is the operator's decision, never a default: once a domain is on the browsers'
# preload lists, it and every subdomain must serve HTTPS for months after it asks to leave,
# which a council's shared domain may not be able to promise. Django's deploy check warns
# whenever preload is off, so that one warning is silenced, and only while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
BEHIND_PROXY = env_flag("CITYTOOLS_BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of the site's own stand in front of it, each appending to X-Forwarded-For:
# the client's address is the one before theirs (citytools.accounts.addresses). Without a
# proxy the header is ignored and the address is REMOTE_ADDR.
TRUSTED_PROXIES = 0
if BEHIND_PROXY:
    try:
        TRUSTED_PROXIES = int(os.environ.get("CITYTOOLS_TRUSTED_PROXIES", "1"))
    except ValueError:
        TRUSTED_PROXIES = 0
    if TRUSTED_PROXIES < 1:
        raise ImproperlyConfigured(
            "CITYTOOLS_TRUSTED_PROXIES must be a whole number of proxies, 1 or more (see docs/configuration.md)."
        )
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("CITYTOOLS_CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()
]
# No inline scripts anywhere; styles may be inline because vega-embed sets chart sizes that way.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"] + ([OIDC_OP_AUTHORIZATION_ENDPOINT] if OIDC_OP_AUTHORIZATION_ENDPOINT else []),
    }
}

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
    ("swagger-ui", NODE_MODULES / "swagger-ui-dist"),
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

# Uploaded files (proposal attachments). Kept under the data directory and never served by
# URL: every download goes through a view that checks who is asking.
MEDIA_ROOT = Path(os.environ.get("CITYTOOLS_MEDIA_ROOT", DATA_DIR / "uploads"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("CITYTOOLS_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ATTACHMENTS_PER_PROPOSAL = int(os.environ.get("CITYTOOLS_ATTACHMENTS_PER_PROPOSAL", "5"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Spreadsheet import (citytools.spreadsheets): the largest file, the most rows, how far an
# XLSX file may unpack (against zip bombs), and how long an upload waits for its commit.
IMPORT_MAX_BYTES = int(os.environ.get("CITYTOOLS_IMPORT_MAX_BYTES", str(1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("CITYTOOLS_IMPORT_MAX_ROWS", "5000"))
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("CITYTOOLS_IMPORT_MAX_UNZIPPED_BYTES", str(50 * 1024 * 1024)))
IMPORT_HOURS = int(os.environ.get("CITYTOOLS_IMPORT_HOURS", "24"))
# Files with more records than this are previewed and imported by the worker, with progress.
IMPORT_BACKGROUND_ROWS = int(os.environ.get("CITYTOOLS_IMPORT_BACKGROUND_ROWS", "500"))
# A network's survey covers every member at once, so it may be larger than one organisation's
# file (citytools.registers.surveys): sent as a file upload, not inside a JSON body.
NETWORK_IMPORT_MAX_BYTES = int(os.environ.get("CITYTOOLS_NETWORK_IMPORT_MAX_BYTES", str(16 * 1024 * 1024)))
NETWORK_IMPORT_MAX_ROWS = int(os.environ.get("CITYTOOLS_NETWORK_IMPORT_MAX_ROWS", "50000"))

# Background work (e-mails, deadline ticks) on a database-backed queue: `citytools worker`
# runs it, and nothing else needs a server. CITYTOOLS_TASKS_IMMEDIATE=1 runs tasks inline.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_flag("CITYTOOLS_TASKS_IMMEDIATE")
        else "django_tasks_db.DatabaseBackend",
    }
}
# Readiness (/readyz) asks for a worker's heartbeat no older than this many seconds, unless
# the deployment runs without a worker (docs/operations.md#health-checks).
CITYTOOLS_WORKER_REQUIRED = env_flag("CITYTOOLS_WORKER_REQUIRED", True)
CITYTOOLS_WORKER_HEARTBEAT_MAX_AGE = int(os.environ.get("CITYTOOLS_WORKER_HEARTBEAT_MAX_AGE", "300"))
# The OCDS ocid prefix: register one with the Open Contracting Partnership for production.
OCDS_OCID_PREFIX = os.environ.get("CITYTOOLS_OCID_PREFIX", "ocds-citytools")

# Harvesting public notices (citytools.notices.harvesting): the root of each public OCDS API
# it pages through, by source, so that a mirror or a test server can stand in for one (give
# the whole dict: `{**CITYTOOLS_OCDS_HARVEST_URLS, "find-a-tender": "..."}`), and the most one
# page of an answer may weigh, unpacked, before it is refused (100 of Contracts Finder's
# releases weigh about 2 MB).
CITYTOOLS_OCDS_HARVEST_URLS = {
    "contracts-finder": "https://www.contractsfinder.service.gov.uk",
    "find-a-tender": "https://www.find-tender.service.gov.uk",
}
CITYTOOLS_OCDS_HARVEST_MAX_BYTES = 50 * 1024 * 1024
# The worker's scheduled harvests (docs/notices.md): hours between harvests of each source,
# as JSON ({"find-a-tender": 24}); the admin or coordinator they act as; the most pages one
# harvest reads (the next resumes).
CITYTOOLS_OCDS_HARVEST_SCHEDULE = json.loads(os.environ.get("CITYTOOLS_OCDS_HARVEST_SCHEDULE", "{}"))
CITYTOOLS_OCDS_HARVEST_AS = os.environ.get("CITYTOOLS_OCDS_HARVEST_AS", "")
CITYTOOLS_OCDS_HARVEST_PAGES = int(os.environ.get("CITYTOOLS_OCDS_HARVEST_PAGES", "50"))

# The console log: plain text, or one JSON object per line for a log collector
# (citytools.core.logs; docs/operations.md#structured-logs). Each record logged while a
# request is answered carries its id, method and path.
LOG_FORMAT = os.environ.get("CITYTOOLS_LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("CITYTOOLS_LOG_FORMAT must be text or json (see docs/configuration.md).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "citytools.core.logs.RequestContextFilter"}},
    "formatters": {"json": {"()": "citytools.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CITYTOOLS_LOG_LEVEL", "WARNING")},
}

# How far ahead "ending soon" looks on the overview and entity pages.
CITYTOOLS_ENDING_SOON_DAYS = int(os.environ.get("CITYTOOLS_ENDING_SOON_DAYS", "365"))
