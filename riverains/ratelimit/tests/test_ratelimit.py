"""The database-backed rate limit: exact counts, windows, no address in clear, purge."""
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from riverains import ratelimit
from riverains.ratelimit.models import Counter


@pytest.mark.django_db
def test_the_limit_holds_exactly_and_counts_each_identity_apart():
    outcomes = [ratelimit.hit("test.form", "203.0.113.7", limit=3, seconds=3600) for _ in range(5)]
    assert [o.allowed for o in outcomes] == [True, True, True, False, False]
    assert [o.hits for o in outcomes] == [1, 2, 3, 4, 5]
    assert ratelimit.hit("test.form", "203.0.113.8", limit=3, seconds=3600).hits == 1
    assert ratelimit.hit("test.other", "203.0.113.7", limit=3, seconds=3600).hits == 1


@pytest.mark.django_db
def test_several_identities_are_counted_in_one_go_each_in_its_own_bucket():
    ratelimit.hit("test.pair", "device-1", limit=2, seconds=3600)
    first = ratelimit.hit_many("test.pair", ["203.0.113.7", "device-1"], limit=2, seconds=3600)
    second = ratelimit.hit_many("test.pair", ["203.0.113.7", "device-1"], limit=2, seconds=3600)
    assert [(o.hits, o.allowed) for o in first] == [(1, True), (2, True)]
    assert [(o.hits, o.allowed) for o in second] == [(2, True), (3, False)]
    assert ratelimit.peek("test.pair", "203.0.113.7").hits == 2
    assert [o.hits for o in ratelimit.hit_many("test.pair", ["same", "same"], limit=2, seconds=3600)] == [1, 1]


@pytest.mark.django_db
def test_a_window_ends_and_the_next_attempt_opens_a_new_one():
    start = timezone.now()
    first = ratelimit.hit("test.window", "x", limit=2, seconds=600, now=start)
    ratelimit.hit("test.window", "x", limit=2, seconds=600, now=start + timedelta(minutes=5))
    assert not ratelimit.hit("test.window", "x", limit=2, seconds=600, now=start + timedelta(minutes=9)).allowed
    # The window started with the first attempt, not the last one.
    assert first.resets_at == start.replace(microsecond=start.microsecond // 1000 * 1000) + timedelta(minutes=10)
    later = ratelimit.hit("test.window", "x", limit=2, seconds=600, now=start + timedelta(minutes=10, seconds=1))
    assert (later.allowed, later.hits) == (True, 1)
    assert ratelimit.peek("test.window", "x", now=start + timedelta(minutes=11)).hits == 1
    assert ratelimit.peek("test.window", "x", now=start + timedelta(minutes=30)) is None


@pytest.mark.django_db
def test_the_table_holds_no_address_in_clear():
    ratelimit.hit("relay.confirmations", "sms:+33612345678", limit=3, seconds=60)
    (row,) = Counter.objects.all()
    assert "612345678" not in row.bucket and row.bucket.startswith("relay.confirmations:")


@pytest.mark.django_db
def test_an_attempt_rolled_back_is_not_counted():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        ratelimit.hit("test.rollback", "x", limit=1, seconds=60)
        1 / 0
    assert ratelimit.hit("test.rollback", "x", limit=1, seconds=60).allowed


@pytest.mark.django_db
def test_purge_deletes_only_ended_windows():
    now = timezone.now()
    ratelimit.hit("test.purge", "old", limit=1, seconds=60, now=now - timedelta(hours=2))
    ratelimit.hit("test.purge", "current", limit=1, seconds=3600, now=now)
    assert ratelimit.purge(now=now) == 1
    assert ratelimit.peek("test.purge", "current", now=now).hits == 1
    Counter.objects.update(expires=0)
    call_command("purge_rate_limits", stdout=StringIO())
    assert not Counter.objects.exists()


def test_check_deploy_says_so_when_logins_would_be_counted_per_process(settings):
    """django-axes counts logins in the database by default; its cache handler on a per-process
    cache would make the login limit per process too, and the check says so."""
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "axes.W001" in {m.id for m in run_checks(include_deployment_checks=True, databases=[])}


def test_check_deploy_refuses_an_in_memory_database_in_production():
    from riverains.tests.test_deploy import ROOT, production_env

    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                            env=production_env(DATABASE_URL="sqlite://:memory:"), capture_output=True, text=True)
    assert result.returncode != 0
    assert "riverains.E001" in result.stderr + result.stdout
    assert "Rate limits would be per process" in result.stderr + result.stdout
