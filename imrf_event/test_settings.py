"""Settings for the test suite: the real settings with a fast hasher and in-memory email."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests post many forms from one address; the throttle test sets its own limit.
REGISTRATION_POSTS_PER_MINUTE = 100_000
# Tasks run in-process even when the environment names a broker (CI exports CELERY_BROKER_URL
# for the Redis tests); a test that wants the real broker switches eager mode off itself.
CELERY_TASK_ALWAYS_EAGER = True
