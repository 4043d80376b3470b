"""Settings for the test suite: the real settings with a fast hasher and in-memory email."""

import datetime
import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("LOG_FORMAT", "plain")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests post many forms from one address; the throttle test sets its own limit.
REGISTRATION_POSTS_PER_MINUTE = 100_000
# Pages are rendered afresh in tests; the page-cache tests switch it on themselves.
PAGE_CACHE_TIMEOUT = datetime.timedelta(0)
# Tests talk plain HTTP to the test client and the live server; tests/imrf_event/test_production.py
# (test_check_deploy_with_production_settings_reports_no_issue) checks their production defaults.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Tasks run in-process even when the environment names a broker (CI exports CELERY_BROKER_URL
# for the Redis tests); a test that wants the real broker switches eager mode off itself.
CELERY_TASK_ALWAYS_EAGER = True
# Tests sign organisers in with force_login; tests/imrf_event/test_two_factor.py switches
# "required" on itself.
ADMIN_2FA = "optional"
# Background exports write under the system's temporary directory, never into the checkout.
EXPORT_DIR = Path(tempfile.gettempdir()) / "imrf-test-exports"  # noqa: F405
CREDENTIALS_DIR = Path(tempfile.gettempdir()) / "imrf-test-credentials"  # noqa: F405
