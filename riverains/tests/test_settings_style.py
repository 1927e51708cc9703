"""One settings style for every app (riverains.env.setting): Django settings first, then the
environment, then the default — so a variable the README documents takes effect."""
from riverains import wind
from riverains.env import env_int, setting
from voice import conf as voice_conf


def test_a_setting_comes_from_django_settings_then_the_environment_then_the_default(settings, monkeypatch):
    monkeypatch.delenv("RIVERAINS_EXAMPLE_LIMIT", raising=False)
    assert setting("RIVERAINS_EXAMPLE_LIMIT", env_int, 5) == 5
    monkeypatch.setenv("RIVERAINS_EXAMPLE_LIMIT", "12")
    assert setting("RIVERAINS_EXAMPLE_LIMIT", env_int, 5) == 12
    settings.RIVERAINS_EXAMPLE_LIMIT = 7
    assert setting("RIVERAINS_EXAMPLE_LIMIT", env_int, 5) == 7


def test_the_wind_provider_named_in_the_environment_is_used(settings, monkeypatch):
    if hasattr(settings, "REPORTS_WIND_PROVIDER"):
        del settings.REPORTS_WIND_PROVIDER
    monkeypatch.delenv("REPORTS_WIND_PROVIDER", raising=False)
    monkeypatch.setattr(wind, "_provider", None)  # no provider injected by a test
    assert isinstance(wind.provider(), wind.NoWind)  # development: no internet by default
    monkeypatch.setenv("REPORTS_WIND_PROVIDER", "open-meteo")
    assert isinstance(wind.provider(), wind.OpenMeteo)


def test_the_speech_rate_comes_from_the_environment_too(settings, monkeypatch):
    if hasattr(settings, "ESPEAK_RATE"):
        del settings.ESPEAK_RATE
    monkeypatch.setenv("ESPEAK_RATE", "130")
    assert voice_conf.espeak_rate() == 130
    settings.ESPEAK_RATE = 160
    assert voice_conf.espeak_rate() == 160
