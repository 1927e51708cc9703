import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in {"RIVERAINS_DEV", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="riverains.example.org", **extra)
    return env


def manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_settings():
    # A shared cache is part of production (riverains.W001 otherwise, see test_checks.py).
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(REDIS_URL="redis://127.0.0.1:6379/0"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
