"""Voice settings, read at call time so that tests (and `override_settings`) can change them.

Each one may be set in Django settings or, failing that, in the environment
(riverains.env.setting, the one style of every app)."""
from django.conf import settings

from riverains.env import env, env_bool, env_int, setting


def _get(name, default):
    return setting(name, env, default)


def piper_model():
    """Path to a Piper voice model (.onnx); empty means Piper is not configured."""
    return _get("PIPER_MODEL", "") or ""


def piper_binary():
    return _get("PIPER_BINARY", "piper") or "piper"


def espeak_binary():
    return _get("ESPEAK_BINARY", "espeak-ng") or "espeak-ng"


def sox_binary():
    return _get("SOX_BINARY", "sox") or "sox"


def espeak_voice():
    return _get("ESPEAK_VOICE", "fr-fr") or "fr-fr"


def espeak_english_voice():
    """The voice of the phone line's English summary (issue 16)."""
    return _get("ESPEAK_ENGLISH_VOICE", "en-gb") or "en-gb"


def espeak_rate():
    """Words per minute: a little slower than espeak's 175, easier to follow on a phone."""
    return int(setting("ESPEAK_RATE", env_int, 145))


def auth_token():
    """Secret shared with the phone provider, used to check the request signature."""
    return _get("VOICE_AUTH_TOKEN", "") or ""


def caller_salt():
    """Key of the HMAC that replaces callers' numbers: without it a hash of a phone number
    could be reversed by trying every number."""
    return _get("VOICE_CALLER_SALT", "") or settings.SECRET_KEY


def caller_hash_retention_days():
    """Days a call keeps its caller's hash (which tells repeat callers apart): as long as a
    resident's report keeps its pseudonyms (REPORTS_ANONYMISE_AFTER_DAYS, 90 by default), unless
    VOICE_CALLER_HASH_RETENTION_DAYS says otherwise. The call itself stays, for statistics."""
    from reports import conf as reports_conf

    default = reports_conf.get("REPORTS_ANONYMISE_AFTER_DAYS")
    return int(setting("VOICE_CALLER_HASH_RETENTION_DAYS", env_int, default))


def regenerate_on_change():
    """Whether a notice change queues a new bulletin (the test settings turn it off for other
    apps' tests; voice tests turn it on)."""
    return bool(setting("VOICE_REGENERATE_ON_CHANGE", env_bool, True))


def cache_seconds():
    """How long a phone platform or browser may keep an audio file before asking again."""
    return int(setting("VOICE_CACHE_SECONDS", env_int, 10))


def gather_timeout():
    """Seconds the menu waits for a key."""
    return int(setting("VOICE_GATHER_TIMEOUT", env_int, 6))


def media_root():
    return settings.MEDIA_ROOT
