"""Callers' hashes (a keyed hash of their number, which tells repeat callers apart) are personal
data: they are erased after the reports' retention, by the scheduler; the calls stay, counted."""
from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from voice.models import Call
from voice.phone import forget_old_callers

from .simulator import Provider

X_NUMBER = "+33800007600"


def call_days_ago(client, days, sid):
    Provider(client).call(X_NUMBER, keys=["9"], sid=sid)
    call = Call.objects.get(call_sid=sid)
    Call.objects.filter(pk=call.pk).update(started_at=timezone.now() - timedelta(days=days))
    return call


def test_a_call_back_dated_400_days_loses_its_callers_hash_through_the_scheduled_command(world, voice, client):
    old, recent = call_days_ago(client, 400, "CA-old"), call_days_ago(client, 10, "CA-recent")
    assert Call.objects.get(pk=old.pk).caller_hash != ""

    assert ("forget_old_callers", 3600) in settings.SCHEDULER_JOBS
    out = StringIO()
    call_command("forget_old_callers", stdout=out)

    assert "1 call(s) forgot their caller" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.caller_hash == "" and old.choices[0] == "9"  # still counted, no longer linkable
    assert recent.caller_hash != ""


def test_the_retention_is_the_reports_one_unless_set(world, voice, client, settings):
    call = call_days_ago(client, 40, "CA-40")
    settings.REPORTS_ANONYMISE_AFTER_DAYS = 60
    assert forget_old_callers() == 0
    settings.REPORTS_ANONYMISE_AFTER_DAYS = 30
    assert forget_old_callers() == 1
    call_days_ago(client, 40, "CA-40-bis")
    settings.VOICE_CALLER_HASH_RETENTION_DAYS = 45
    assert forget_old_callers() == 0
    call.refresh_from_db()
    assert call.caller_hash == ""
