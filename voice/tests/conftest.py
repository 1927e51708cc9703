import pytest

TOKEN = "test-auth-token-not-secret"


@pytest.fixture
def voice(settings, tmp_path):
    """Audio written under a temporary MEDIA_ROOT, bulletins regenerated on every notice change,
    webhooks signed with a known token."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VOICE_REGENERATE_ON_CHANGE = True
    settings.VOICE_AUTH_TOKEN = TOKEN
    settings.VOICE_CALLER_SALT = "salt-for-tests"
    settings.PIPER_MODEL = ""
    return settings


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block and then its on-commit callbacks, as a real commit would (notice_changed,
    then the queued regeneration, which the test settings' ImmediateBackend runs at once)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run
