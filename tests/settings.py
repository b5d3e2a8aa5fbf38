"""Test settings: the real settings, with in-process cache and channel layer.

Unit tests run without any Redis. Tests that need a real Redis (the worker,
websockets across processes, `serve`) start the embedded one or read REDIS_URL
through fixtures in tests/conftest.py. DATABASE_URL, when set, runs the whole
suite on PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("SORA_DATA_DIR", tempfile.mkdtemp(prefix="studio-test-"))

from sora_site.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not SQLite's in-memory default, so worker and server subprocesses
# started by tests see the same test database. PostgreSQL keeps its own test_ name.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
# Tests run database code in threads (websocket consumers, claim races); a
# persistent connection there outlives its test and blocks dropping the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
