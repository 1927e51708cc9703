"""`manage.py check` says what is misconfigured before the first message fails: half-set VAPID
keys, Kannel without its credentials, a phone line without the provider's token, production
without a shared cache."""
import pytest
from django.core.checks import run_checks

from riverains.tests.test_deploy import manage, production_env
from territories.models import Territory

LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def ids(**kwargs):
    return {message.id for message in run_checks(**kwargs)}


@pytest.fixture(autouse=True)
def nothing_configured(settings):
    for name in ("VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "KANNEL_URL", "KANNEL_USER", "KANNEL_PASSWORD",
                 "VOICE_AUTH_TOKEN"):
        setattr(settings, name, "")
    settings.SMS_BACKEND = "kannel"


def test_vapid_keys_are_both_set_or_neither(settings):
    assert "relay.E001" not in ids()
    settings.VAPID_PRIVATE_KEY = "private"
    messages = [m for m in run_checks() if m.id == "relay.E001"]
    assert messages and "VAPID_PUBLIC_KEY is missing" in messages[0].msg
    settings.VAPID_PUBLIC_KEY = "public"
    assert "relay.E001" not in ids()
    settings.VAPID_PRIVATE_KEY = ""
    assert "relay.E001" in ids()


def test_kannel_needs_its_username_and_password(settings):
    assert "relay.E002" not in ids()  # no Kannel at all: SMS are simply off
    settings.KANNEL_URL = "http://127.0.0.1:13013/cgi-bin/sendsms"
    settings.KANNEL_USER = "riverains"
    messages = [m for m in run_checks() if m.id == "relay.E002"]
    assert messages and "KANNEL_PASSWORD" in messages[0].msg and "KANNEL_USER" not in messages[0].msg
    settings.KANNEL_PASSWORD = "secret"
    assert "relay.E002" not in ids()
    settings.KANNEL_PASSWORD, settings.SMS_BACKEND = "", "twilio"  # Kannel's URL left over, not used
    assert "relay.E002" not in ids()


@pytest.mark.django_db
def test_a_phone_line_without_the_providers_token_is_reported(settings):
    territory = Territory.objects.create(slug="estuaire", name="Estuaire")
    assert "voice.W001" not in ids(databases=["default"])  # no toll-free number: no phone line
    territory.toll_free_number = "0 800 00 76 00"
    territory.save()
    messages = [m for m in run_checks(databases=["default"]) if m.id == "voice.W001"]
    assert messages and "Estuaire" in messages[0].msg and "VOICE_AUTH_TOKEN" in messages[0].msg
    settings.VOICE_AUTH_TOKEN = "token"
    assert "voice.W001" not in ids(databases=["default"])


def test_production_without_a_shared_cache_is_reported(settings):
    settings.DEV = False
    settings.CACHES = LOCAL_MEMORY
    assert "riverains.W001" in ids(include_deployment_checks=True, databases=[])
    assert "riverains.W001" not in ids(databases=[])  # a deployment check only
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/0"}}
    assert "riverains.W001" not in ids(include_deployment_checks=True, databases=[])
    settings.DEV, settings.CACHES = True, LOCAL_MEMORY  # the demo and the tests: one process is fine
    assert "riverains.W001" not in ids(include_deployment_checks=True, databases=[])


def test_check_deploy_without_redis_url_says_so():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode != 0
    assert "riverains.W001" in result.stdout + result.stderr and "REDIS_URL" in result.stdout + result.stderr
