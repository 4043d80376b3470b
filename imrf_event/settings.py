"""Settings for the IMRF event site, read from the environment (django-environ URL forms)."""

import datetime
from pathlib import Path

import environ

from imrf_event.client_address import trusted_proxies_parse

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]", "testserver"]),
    CONN_MAX_AGE=(int, 60),
)
# A local .env is a convenience for developers; production sets real variables.
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env("DEBUG")
# Without SECRET_KEY only a DEBUG run may start: a guessable key in production
# would let anyone forge sessions and manage links' signed cookies.
SECRET_KEY = env("SECRET_KEY", default="") or ("django-insecure-local-development-only" if DEBUG else None)
if SECRET_KEY is None:
    raise environ.ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # Before the admin, so its translation-aware admin classes and templates come first.
    "modeltranslation",
    # django.contrib.admin, with the two-factor admin site as admin.site.
    "imrf_event.apps.OrganiserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "agenda",
    "registration",
    "mailings",
    "delegations",
    "documents",
    # The project's own management commands (compile_translations).
    "imrf_event.apps.ImrfEventConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "imrf_event.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the language cookie (set by the switcher), else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After the language is chosen, so its 400 page is in the visitor's language; before anything reads a body.
    "imrf_event.request_charset.FormCharsetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified when this session passed two-factor sign-in.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "imrf_event.urls"
WSGI_APPLICATION = "imrf_event.wsgi.application"

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

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections: opening a PostgreSQL connection costs about 6 ms here, and keeping
# them made one-row inserts 4x and registrations 1.2-1.4x faster (docs/performance.md).
# Health checks make a connection that died with a database restart be replaced, not used.
DATABASES["default"]["CONN_MAX_AGE"] = env("CONN_MAX_AGE")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin logins are rate-limited by django-axes: after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair waits AXES_COOLOFF_TIME hours. Locking by the pair, not the
# username alone, keeps a stranger from locking an organiser out by guessing on purpose.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_TIME_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address is the client's, not the TLS proxy's, or one stranger would lock everyone out.
AXES_CLIENT_IP_CALLABLE = "imrf_event.client_address.client_address_for_axes"
# Over every address (imrf_event/login_limits.py): past this many wrong passwords for one account
# within the cool-off, each try waits this long after the last wrong one. It slows, never locks out.
ADMIN_LOGIN_ACCOUNT_FAILURES = env.int("ADMIN_LOGIN_ACCOUNT_FAILURES", default=10)
ADMIN_LOGIN_ACCOUNT_PAUSE_SECONDS = env.int("ADMIN_LOGIN_ACCOUNT_PAUSE_SECONDS", default=30)
# Authenticator codes per device and client address; django-otp's throttle would hold the device
# itself, so wrong codes from someone with the password would keep its owner out.
ADMIN_LOGIN_CODE_TRIES = env.int("ADMIN_LOGIN_CODE_TRIES", default=10)
ADMIN_LOGIN_CODE_TRIES_MINUTES = 10
OTP_TOTP_THROTTLE_FACTOR = 0

# Organisers' sessions (participants have none) end after 8 hours without a request: saving the
# session on every request moves the expiry along while an organiser works.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True

# Two-factor sign-in for the admin (imrf_event/two_factor.py): "required" asks every organiser
# for an authenticator code, after enrolling one on first sign-in; "optional" asks only those
# who enrolled. Optional by default while developing, so the quickstart needs no phone.
ADMIN_2FA = env("ADMIN_2FA", default="optional" if DEBUG else "required")
if ADMIN_2FA not in ("required", "optional"):
    raise environ.ImproperlyConfigured(f"ADMIN_2FA must be 'required' or 'optional', not {ADMIN_2FA!r}.")
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "IMRF meeting"
# Device keys are secrets: the admin's device pages do not show them.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en"
# The meeting's interpretation languages that the interface is written in (BCMS is interpreted, not
# translated: see the README). Each is named in itself, as the language switcher shows it.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Only the visitor's choice in the switcher is stored; the cookie holds nothing but the language code.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Meeting texts stored per language (django-modeltranslation): a text not yet translated shows in English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Stored in UTC; each page shows times in its meeting's own zone.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console by default so the quickstart shows every message. EMAIL_URL names the backend and
# the server, e.g. smtp+tls://user:password@mail.example.org:587; the timeout is EMAIL_TIMEOUT below.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="IMRF meeting <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Celery: with no broker configured, tasks run in-process (eager) so the
# quickstart sends confirmations through the very same task functions.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues an email must not hang on a dead broker: one quick retry, then the
# row stays queued and the periodic re-queue sends it. The visibility timeout (Redis re-delivers
# unacknowledged messages after it) is longer than the longest retry countdown (30 minutes).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Outcomes live in the OutgoingEmail rows; there is no result backend.
CELERY_TASK_IGNORE_RESULT = True
# Lets several sites (or a test run) share one Redis without taking each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TIMEZONE = "UTC"

# Logs go to stderr for the process manager to collect, so a command's own output on stdout
# (`manage.py dumpdata > backup.json`) stays clean: one JSON object a line in production,
# so a log shipper can index fields; plain text while developing.
LOG_FORMAT = env("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"redact_manage_tokens": {"()": "imrf_event.log_filters.RedactManageTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": LOG_FORMAT,
            "filters": ["redact_manage_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver logs every request line; through our handler, tokens are redacted there too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# The TLS proxies in front, as addresses or networks: X-Forwarded-For is believed only from them
# (imrf_event/client_address.py). Empty, the connection's own address is the client's.
TRUSTED_PROXIES = trusted_proxies_parse(env("TRUSTED_PROXIES", default=""))

# Security. Production runs behind a TLS-terminating proxy; every switch below can be
# turned off by the environment for a plain-HTTP run on loopback (benchmarks, drills).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Public pages keep their flash messages in a signed cookie, so a participant's visit
# never needs a session row (only organisers signed in to the admin have one).
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # No inline script anywhere: every script is a file in static/.
        "script-src": ["'self'"],
        # Bootstrap's form controls draw their arrows and ticks as data: SVG images.
        "img-src": ["'self'", "data:"],
        # The Django admin still writes a few style="" attributes.
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Registration
REGISTRATION_POSTS_PER_MINUTE = env.int("REGISTRATION_POSTS_PER_MINUTE", default=10)
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=90)
CANCELLED_DATA_RETENTION_DAYS = env.int("CANCELLED_DATA_RETENTION_DAYS", default=30)

# The meeting and agenda pages are cached whole and dropped as soon as an organiser saves
# agenda data (agenda/signals.py); the timeout only bounds how long an unchanged page lives.
PAGE_CACHE_TIMEOUT = datetime.timedelta(seconds=env.int("PAGE_CACHE_SECONDS", default=600))
# How often a process asks the shared cache whether agenda data changed elsewhere.
PAGE_CACHE_VERSION_CHECK_SECONDS = env.float("PAGE_CACHE_VERSION_CHECK_SECONDS", default=1.0)

# Exports of more rows than this are built by a Celery task into EXPORT_DIR, a directory no URL
# serves: the file reaches only the user who asked, through the admin, until it expires.
EXPORT_IN_BACKGROUND_FROM_ROWS = env.int("EXPORT_IN_BACKGROUND_FROM_ROWS", default=2000)
EXPORT_DIR = Path(env("EXPORT_DIR", default=str(BASE_DIR / "private" / "exports")))
EXPORT_KEEP_SECONDS = env.int("EXPORT_KEEP_SECONDS", default=3600)
# An attendance report of more lines is imported by a Celery task behind a progress page, as a large export.
ATTENDANCE_IMPORT_IN_BACKGROUND_FROM_ROWS = env.int("ATTENDANCE_IMPORT_IN_BACKGROUND_FROM_ROWS", default=5000)
# Delegations' credentials (notes verbales, letters of nomination): outside the static and media roots, served only
# to the meeting's team through the admin, as attachments.
CREDENTIALS_DIR = Path(env("CREDENTIALS_DIR", default=str(BASE_DIR / "private" / "credentials")))
CREDENTIALS_MAX_BYTES = 5 * 1024 * 1024
# A focal point's session: a few hours from the one-time link, however active.
FOCAL_POINT_SESSION_SECONDS = env.int("FOCAL_POINT_SESSION_SECONDS", default=4 * 3600)
# Sign-in links asked for per client address and per minute (the answer never says whether the address is known).
FOCAL_POINT_SIGN_IN_REQUESTS_PER_MINUTE = env.int("FOCAL_POINT_SIGN_IN_REQUESTS_PER_MINUTE", default=5)
