"""Settings for the test suite: development defaults, fast password hashing."""
import os

os.environ.setdefault("RIVERAINS_DEV", "1")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "relay", "voice"]}}
AXES_ENABLED = True
VOICE_REGENERATE_ON_CHANGE = False  # voice tests turn it on where they need it
