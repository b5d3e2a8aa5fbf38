"""Settings, read from environment variables only (see README, "Configuration").

Two ways to run share this file: the embedded default (SQLite + an embedded Redis
in SORA_DATA_DIR) and the scaled set-up (DATABASE_URL + REDIS_URL).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from generation.params import (
    BUILTIN_MODEL,
    DEFAULT_DEVICE,
    DEFAULT_DTYPE,
    DEFAULT_OFFLOAD,
    DTYPES,
    OFFLOADS,
)
from sora_site.datadir import embedded_redis_socket, ensure_data_dir, load_or_create_secret_key
from sora_site.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_path,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", ("development", "production"), "development")
PRODUCTION = DJANGO_ENV == "production"

DATA_DIR = ensure_data_dir(env_path("SORA_DATA_DIR", BASE_DIR / "var"))

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when DJANGO_ENV=production")
    SECRET_KEY = load_or_create_secret_key(DATA_DIR)

DEBUG = env_bool("DEBUG", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DJANGO_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if "://" not in _origin:
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entries need a scheme (https://example.org); got {_origin!r}"
        )

SITE_NAME = env_str("SITE_NAME", "Studio")
SITE_URL = env_str("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_q",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "csp",
    "sora_site",
    "access",
    "moderation",
    "generation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a signed-in user unless it is marked
    # with @login_not_required (login, invitations, /status, /healthz).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "access.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # Last, so it sees a view's exception first: a service's refusal the view did not
    # handle becomes a 4xx page (access/errors.py), not a 500.
    "sora_site.errors.RefusalMiddleware",
]

ROOT_URLCONF = "sora_site.urls"
ASGI_APPLICATION = "sora_site.asgi.application"
WSGI_APPLICATION = "sora_site.wsgi.application"

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
                "sora_site.context_processors.site",
                "generation.context_processors.queue",
                "moderation.context_processors.review_inbox",
            ],
        },
    },
]


def _database_settings() -> dict[str, Any]:
    url = env_url("DATABASE_URL", ("postgres", "postgresql", "pgsql", "sqlite"))
    if url:
        max_age = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=max_age))
        config["CONN_HEALTH_CHECKS"] = True
        if config["ENGINE"].endswith("postgresql"):
            # An unreachable host fails in seconds with a message, not after minutes.
            config.setdefault("OPTIONS", {}).setdefault(
                "connect_timeout", env_int("DB_CONNECT_TIMEOUT", 10, minimum=1)
            )
        return config
    # SQLite: WAL lets the web server read while a worker writes; IMMEDIATE
    # transactions and a busy timeout stop "database is locked" under load.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "db.sqlite3",
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis carries the job queue, the Channels layer and the shared cache. Unset,
# `manage.py serve` runs an embedded Redis on a unix socket in the data dir.
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
EMBEDDED_REDIS = not REDIS_URL
if EMBEDDED_REDIS:
    REDIS_URL = f"unix://{embedded_redis_socket(DATA_DIR)}"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "studio"),
    }
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 reads with a 5 s socket timeout by default, the same as
            # channels-redis's 5 s blocking pop: every idle consumer then crashed
            # and reconnected, dropping messages sent meanwhile. Read longer.
            # redis-py's asyncio pool allows 100 connections and then fails at
            # once ("Too many connections"): 200 pages opening together were refused.
            "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "max_connections": 400}],
            "capacity": 500,
            "expiry": 60,
            "group_expiry": 3600,
        },
    }
}

# Web server processes `serve` starts on one port (uvicorn --workers).
WEB_WORKERS = env_int("WEB_WORKERS", 1, minimum=1)


# The fair queue (generation/queue.py): staff's jobs go before everyone else's.
STAFF_PRIORITY = env_bool("STAFF_PRIORITY", False)
# A worker cluster bound to one catalogue model claims only that model's jobs; unset,
# workers serve GENERATION_MODEL and take any queued job (the single-model default).
WORKER_MODEL = env_str("WORKER_MODEL", "")
JOB_TIMEOUT_SECONDS = env_int("JOB_TIMEOUT_SECONDS", 1800, minimum=10)
Q_CLUSTER = {
    "name": env_str("Q_CLUSTER_NAME", "studio"),
    "workers": env_int("Q_WORKERS", 1, minimum=1),
    "timeout": JOB_TIMEOUT_SECONDS,
    # retry must exceed timeout, or a long job would be handed out twice.
    "retry": JOB_TIMEOUT_SECONDS + 60,
    "max_attempts": 1,
    "recycle": env_int("Q_RECYCLE", 500, minimum=1),
    "redis": REDIS_URL,
    "catch_up": False,
    "ack_failures": True,
    "save_limit": 500,
    "label": "Task queue",
    "ALT_CLUSTERS": {},
}
if WORKER_MODEL:
    # Each catalogue model has its own task list; "name" (the signing salt) stays shared.
    Q_CLUSTER["cluster_name"] = f"{Q_CLUSTER['name']}.{WORKER_MODEL}"


def _media_storage() -> dict[str, Any]:
    """Local disk in the data dir, or an S3-compatible bucket shared by every host.

    Media never has a public URL either way: views check permission and stream it
    (S3 objects are private, read with the studio's own credentials)."""
    url = env_url("MEDIA_STORAGE_URL", ("s3",))
    if not url:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": DATA_DIR / "media", "base_url": None},
        }
    bucket, _, prefix = url.split("://", 1)[1].partition("/")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE_URL needs a bucket: s3://bucket/prefix")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": prefix.strip("/"),
            # Unset, boto3's own chain applies (AWS_* variables, instance roles).
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("MEDIA_S3_REGION") or None,
            "access_key": env_str("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,  # never an unsigned URL, should anything ask for one
            "querystring_expire": 300,
            "signature_version": "s3v4",
            "addressing_style": env_choice(
                "MEDIA_S3_ADDRESSING", ("auto", "path", "virtual"), "auto"
            ),
        },
    }


STORAGES = {
    "default": _media_storage(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production, serve straight from the source folders so a test server
# or a fresh checkout works before collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "access.adapter.InvitationAccountAdapter"
ACCOUNT_FORMS = {"signup": "access.forms.InvitationSignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
# Before a sensitive change (email, TOTP, recovery codes) a person proves it is them
# with the factors they sign in with: password, or TOTP once enrolled. allauth 65.22
# also offers a code sent by email; sign-in here never uses one, and a code would let
# whoever reads the mailbox stand in for the password, so it is off.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE", "5/m/ip,10/5m/key"),
}
MFA_ADAPTER = "access.adapter.StudioMfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
USERSESSIONS_TRACK_ACTIVITY = True

INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)
SORA_ADMIN_EMAIL = env_str("SORA_ADMIN_EMAIL", "admin@example.com")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "studio@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Generation (see generation/backends.py; choices and defaults: generation/params.py).
# The built-in model needs no download.
GENERATION_MODEL = env_str("GENERATION_MODEL", BUILTIN_MODEL)
GENERATION_DTYPE = env_choice("GENERATION_DTYPE", DTYPES, DEFAULT_DTYPE)
GENERATION_DEVICE = env_str("GENERATION_DEVICE", DEFAULT_DEVICE)
GENERATION_OFFLOAD = env_choice("GENERATION_OFFLOAD", OFFLOADS, DEFAULT_OFFLOAD)
GENERATION_MAX_PROMPT_CHARS = env_int("GENERATION_MAX_PROMPT_CHARS", 2000, minimum=1)
GENERATION_MAX_STEPS = env_int("GENERATION_MAX_STEPS", 50, minimum=1)
GENERATION_DEFAULT_STEPS = env_int("GENERATION_DEFAULT_STEPS", 4, minimum=1)
GENERATION_MAX_FRAMES = env_int("GENERATION_MAX_FRAMES", 81, minimum=1)
GENERATION_DEFAULT_FRAMES = env_int("GENERATION_DEFAULT_FRAMES", 9, minimum=1)
GENERATION_FPS = env_int("GENERATION_FPS", 8, minimum=1)
# A latent preview every this many steps while a job runs (0: none).
GENERATION_PREVIEW_EVERY = env_int("GENERATION_PREVIEW_EVERY", 5, minimum=0)
GENERATION_MAX_GUIDANCE = env_float("GENERATION_MAX_GUIDANCE", 20.0, minimum=0)
GENERATION_MAX_VARIATIONS = env_int("GENERATION_MAX_VARIATIONS", 4, minimum=1)
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 30, minimum=5)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3, minimum=1)
JOB_REDELIVER_SECONDS = env_int("JOB_REDELIVER_SECONDS", 120, minimum=10)
GALLERY_PAGE_SIZE = env_int("GALLERY_PAGE_SIZE", 24, minimum=1)

# Provenance (see generation/provenance/): an invisible watermark in the frames and a
# signed C2PA manifest on each stored video and poster.
WATERMARK_ENABLED = env_bool("WATERMARK_ENABLED", True)
VISIBLE_WATERMARK = env_bool("VISIBLE_WATERMARK", False)  # a small site label on each video
C2PA_ENABLED = env_bool("C2PA_ENABLED", True)
# Production signing chain (leaf PEM then its CA chain) and PKCS#8 key; without them
# a local CA and leaf are created in $SORA_DATA_DIR/c2pa/ on the first signature.
C2PA_SIGN_CERT = env_str("C2PA_SIGN_CERT", "")
C2PA_SIGN_KEY = env_str("C2PA_SIGN_KEY", "")
if bool(C2PA_SIGN_CERT) != bool(C2PA_SIGN_KEY):
    raise ImproperlyConfigured("Set both C2PA_SIGN_CERT and C2PA_SIGN_KEY, or neither")

LOG_LEVEL = env_choice("LOG_LEVEL", ("debug", "info", "warning", "error"), "info").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"daphne": {"level": "WARNING"}, "django_q": {"level": "WARNING"}},
}

HEALTH_CHECKS = [
    "sora_site.health.check_database",
    "sora_site.health.check_redis",
    "sora_site.health.check_worker",
    "generation.workers.check_workers",
    "generation.health.check_model",
]

# Moderation
# Dotted paths of extra prompt classifiers (see moderation/classifiers.py); none by default.
MODERATION_CLASSIFIERS = env_list("MODERATION_CLASSIFIERS", [])
MODERATION_CLASSIFIER_FLAG_AT = env_float("MODERATION_CLASSIFIER_FLAG_AT", 0.5, minimum=0)
MODERATION_CLASSIFIER_BLOCK_AT = env_float("MODERATION_CLASSIFIER_BLOCK_AT", 0.9, minimum=0)
# Screening the video: callables given sampled decoded frames before a video is shown.
MODERATION_FRAME_CLASSIFIERS = env_list("MODERATION_FRAME_CLASSIFIERS", [])
MODERATION_FRAME_SAMPLES = env_int("MODERATION_FRAME_SAMPLES", 8, minimum=1)

# Access control
# A token used from more distinct client IPs than this within 24 h is suspended.
API_TOKEN_MAX_CLIENTS = env_int("API_TOKEN_MAX_CLIENTS", 3, minimum=1)
# Proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDRs).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
# Per-person defaults; staff override them per person in the admin (Quotas).
QUOTA_DAILY_SECONDS = env_float("QUOTA_DAILY_SECONDS", 120.0, minimum=0)
QUOTA_MAX_CONCURRENT = env_int("QUOTA_MAX_CONCURRENT", 4, minimum=1)  # a full batch of variations
# Submissions per person per fixed window: "<count>/<s|m|h|d>", e.g. "10/m".
SUBMIT_RATE = env_str("SUBMIT_RATE", "10/m")

# Operations (README "Operating a studio")
# Addresses (IPs or CIDRs) that may read /metrics without a staff API token; none by default.
METRICS_ALLOW = env_list("METRICS_ALLOW", [])
# Retention: days to keep each kind of thing; 0 (the default) keeps everything.
RETENTION_VIDEO_DAYS = env_int("RETENTION_VIDEO_DAYS", 0, minimum=0)
RETENTION_POSTER_DAYS = env_int("RETENTION_POSTER_DAYS", 0, minimum=0)
RETENTION_PREVIEW_DAYS = env_int("RETENTION_PREVIEW_DAYS", 0, minimum=0)
RETENTION_FAILED_JOB_DAYS = env_int("RETENTION_FAILED_JOB_DAYS", 0, minimum=0)
RETENTION_AUDIT_DAYS = env_int("RETENTION_AUDIT_DAYS", 0, minimum=0)
if 0 < RETENTION_AUDIT_DAYS < 30:
    raise ImproperlyConfigured("RETENTION_AUDIT_DAYS must be 0 (keep everything) or at least 30")
# Megabytes of video each person may keep; 0 means no cap.
STORAGE_CAP_MB = env_float("STORAGE_CAP_MB", 0.0, minimum=0)
