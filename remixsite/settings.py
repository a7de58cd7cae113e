"""Settings for Remix. Every deploy-time value comes from an environment variable with a safe
development default; an invalid value stops start-up with a message naming the variable.
The README lists every variable."""
from __future__ import annotations

import os
import sys
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REMIX_VAR_DIR", BASE_DIR / "var"))
# librosa's numba kernels compile once (~30 s cold) into var/numba, for the web and the workers alike.
os.environ.setdefault("NUMBA_CACHE_DIR", str(VAR_DIR / "numba"))
TESTING = "pytest" in sys.modules or os.environ.get("REMIX_TESTING") == "1"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name) or default
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- core -------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", default=False)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
if not DEBUG and not TESTING and SECRET_KEY == _DEV_SECRET and env_bool("REMIX_PRODUCTION", False):
    raise ImproperlyConfigured("SECRET_KEY must be set in production (REMIX_PRODUCTION=1)")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute links (API file URLs, webhook payloads) are built from this when there is no request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_dramatiq",
    "axes",
    "remixes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses over-sized bodies before anything reads them; adds CSP and the other headers.
    "remixes.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Under /api/ only: a crash is logged and answered as the API's JSON error.
    "remixes.api.ApiExceptionMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]


ROOT_URLCONF = "remixsite.urls"
WSGI_APPLICATION = "remixsite.wsgi.application"
AUTH_USER_MODEL = "remixes.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'remix.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))
except Exception as exc:  # dj-database-url raises several types for bad URLs
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    # IMMEDIATE transactions + WAL: the web server and workers write the same file without lock upgrades failing.
    _db["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not :memory:) so worker subprocesses started by tests see the same test database.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    _db["TEST"] = {"NAME": f"test_remix_{os.getpid()}"}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- storage ----------------------------------------------------------------------------------
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # never served directly: files go out through signed, expiring links
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
S3_BUCKET = env_str("S3_BUCKET")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            # Presigned links signed with SigV4: SigV2 is deprecated by AWS, and S3-compatible servers
            # (SeaweedFS in tests/test_s3.py) reject a SigV2 link that names a download file name.
            "signature_version": "s3v4",
            "querystring_expire": env_int("FILE_URL_MAX_AGE", 3600, minimum=60),
            "file_overwrite": False,
        },
    }
# Reading `s3://bucket/key` audio_url values with our own credentials is opt-in.
S3_AUDIO_URLS_ENABLED = env_bool("S3_AUDIO_URLS_ENABLED", False)
FILE_URL_MAX_AGE = env_int("FILE_URL_MAX_AGE", 3600, minimum=60)

# Uploads larger than this stream to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 100, minimum=1)

# --- cache (API rate limits) ------------------------------------------------------------------
# A shared cache makes the per-key rate limits hold across web processes: set CACHE_URL to a Redis
# URL in production (e.g. redis://redis:6379/1). Empty = per-process memory.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, got {CACHE_URL!r}")
CACHES = {
    "default": {"BACKEND": "remixsite.cache.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# With a shared cache, sessions are read from it and written through to the database, and signed-in
# users are cached (remixes.auth): a status poll costs no session or user query. A per-process
# cache cannot be told about a logout or a password change made in another process, so without
# CACHE_URL both come from the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if CACHE_URL else "django.contrib.sessions.backends.db"
USER_CACHE_SECONDS = env_int("USER_CACHE_SECONDS", 300 if CACHE_URL else 0, minimum=0)
API_RATE_SUBMIT_PER_MINUTE = env_int("API_RATE_SUBMIT_PER_MINUTE", 60, minimum=1)
API_RATE_STATUS_PER_MINUTE = env_int("API_RATE_STATUS_PER_MINUTE", 200, minimum=1)

# --- jobs -------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
DRAMATIQ_NAMESPACE = env_str("DRAMATIQ_NAMESPACE", "remix")
DRAMATIQ_MIDDLEWARE = [
    "dramatiq.middleware.AgeLimit",
    "dramatiq.middleware.TimeLimit",
    "dramatiq.middleware.Callbacks",
    "dramatiq.middleware.Retries",
    "django_dramatiq.middleware.DbConnectionsMiddleware",
    "remixes.worker.RecoveryMiddleware",
]
if TESTING and not env_bool("REMIX_REAL_BROKER", False):
    DRAMATIQ_BROKER = {"BROKER": "dramatiq.brokers.stub.StubBroker", "OPTIONS": {}, "MIDDLEWARE": DRAMATIQ_MIDDLEWARE}
else:
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.redis.RedisBroker",
        "OPTIONS": {"url": REDIS_URL, "namespace": DRAMATIQ_NAMESPACE},
        "MIDDLEWARE": DRAMATIQ_MIDDLEWARE,
    }
# Modules whose actors `rundramatiq` loads: the remix actors and the webhook delivery actor.
DRAMATIQ_AUTODISCOVER_MODULES = ["tasks", "webhooks"]

# "local" runs the bundled engine; "musicgpt" forwards tasks to the hosted MusicGPT API; a dotted
# path names a provider class of your own.
REMIX_PROVIDER = env_str("REMIX_PROVIDER", "local")
if REMIX_PROVIDER not in {"local", "musicgpt"} and "." not in REMIX_PROVIDER:
    raise ImproperlyConfigured(
        f"REMIX_PROVIDER must be 'local', 'musicgpt' or a dotted path to a provider class, got {REMIX_PROVIDER!r}"
    )
MUSICGPT_BASE_URL = env_str("MUSICGPT_BASE_URL", "https://api.musicgpt.com/api/public/v1").rstrip("/")
MUSICGPT_API_KEY = env_str("MUSICGPT_API_KEY")
# Secret path segment of /webhooks/provider/<token>/ that MusicGPT calls back.
PROVIDER_WEBHOOK_TOKEN = env_str("PROVIDER_WEBHOOK_TOKEN")
if REMIX_PROVIDER == "musicgpt" and not (MUSICGPT_API_KEY and PROVIDER_WEBHOOK_TOKEN):
    raise ImproperlyConfigured("REMIX_PROVIDER=musicgpt needs MUSICGPT_API_KEY and PROVIDER_WEBHOOK_TOKEN")

REMIX_TASK_TIME_LIMIT = env_int("REMIX_TASK_TIME_LIMIT", 30 * 60, minimum=10)  # seconds
# Tasks processed at once across all workers (for the eta formula).
REMIX_WORKER_CONCURRENCY = env_int("REMIX_WORKER_CONCURRENCY", 1, minimum=1)
REMIX_MAX_ATTEMPTS = env_int("REMIX_MAX_ATTEMPTS", 3, minimum=1)
# A queued task not claimed within this many seconds, or a running one silent for this long, is re-sent.
REMIX_STALE_AFTER = env_int("REMIX_STALE_AFTER", 300, minimum=5)
REMIX_RECOVERY_INTERVAL = env_int("REMIX_RECOVERY_INTERVAL", 60, minimum=1)
REMIX_MAX_SECONDS = env_int("REMIX_MAX_SECONDS", 600, minimum=10)
# Stems cache of the local engine (decoded, separated and analysed sources by content hash): a folder on
# the worker's own disk, bounded in size (least recently used entries evicted), shared by its processes.
REMIX_CACHE_DIR = Path(env_str("REMIX_CACHE_DIR", str(VAR_DIR / "cache" / "stems")))
REMIX_CACHE_MAX_MB = env_int("REMIX_CACHE_MAX_MB", 2000, minimum=100)
# Assumed length of a song given by URL until the worker has fetched it (sets the credit hold).
REMIX_URL_ESTIMATE_SECONDS = env_int("REMIX_URL_ESTIMATE_SECONDS", 240, minimum=10)

# --- credits ----------------------------------------------------------------------------------
STARTER_CREDITS = env_decimal("STARTER_CREDITS", "200")
CREDITS_PER_MINUTE = env_decimal("CREDITS_PER_MINUTE", "10")
CREDITS_MINIMUM = env_decimal("CREDITS_MINIMUM", "5")

# --- moderation -------------------------------------------------------------------------------
MODERATION_EXTRA_TERMS = env_list("MODERATION_EXTRA_TERMS")

# --- outgoing HTTP ----------------------------------------------------------------------------
SAFEHTTP_ALLOW_PRIVATE = env_bool("SAFEHTTP_ALLOW_PRIVATE", False)
SAFEHTTP_MAX_BYTES = env_int("SAFEHTTP_MAX_BYTES", MAX_UPLOAD_MB * 1024 * 1024, minimum=1024)
SAFEHTTP_TIMEOUT = env_int("SAFEHTTP_TIMEOUT", 30, minimum=1)

# --- security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
_HTTPS = env_bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES. Its backend (axes' standalone one,
# letting request-less calls such as the test client's login() through) must come first.
AUTHENTICATION_BACKENDS = [
    "remixes.security.LoginThrottleBackend",
    "remixes.auth.CachedModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
if env_bool("BEHIND_PROXY", False):
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
