"""Settings of the processes the topology test starts: production settings (read from the environment as ever),
with every export sent to the background worker and static URLs made without a collected manifest."""

from suzhi.config.settings import *  # noqa: F403

SUZHI_EXPORT_SYNC_MAX_ROWS = 0
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The test's factories hash passwords with the tests' fast hasher.
from django.conf import global_settings  # noqa: E402

PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
