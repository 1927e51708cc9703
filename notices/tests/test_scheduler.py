from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from notices.models import Notice, Status


def test_the_scheduler_starts_due_notices_and_runs_its_jobs(world, settings, monkeypatch):
    notice = world.publish()
    Notice.objects.filter(pk=notice.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    ran = []
    monkeypatch.setattr("notices.management.commands.run_scheduler.call_command", lambda name: ran.append(name))
    settings.SCHEDULER_JOBS = [("job_a", 60), ("job_b", 3600)]
    call_command("run_scheduler", once=True)
    assert Notice.objects.get(pk=notice.pk).status == Status.ONGOING
    assert ran == ["job_a", "job_b"]


def test_a_failing_job_does_not_stop_the_others(world, settings, monkeypatch):
    ran = []

    def fake(name):
        ran.append(name)
        if name == "broken":
            raise RuntimeError("boom")

    monkeypatch.setattr("notices.management.commands.run_scheduler.call_command", fake)
    settings.SCHEDULER_JOBS = [("broken", 60), ("after", 60)]
    call_command("run_scheduler", once=True)
    assert ran == ["broken", "after"]


def test_jobs_run_again_only_after_their_interval(settings, monkeypatch):
    from notices.management.commands.run_scheduler import Command

    ran = []
    monkeypatch.setattr("notices.management.commands.run_scheduler.call_command", lambda name: ran.append(name))
    settings.SCHEDULER_JOBS = [("often", 10), ("rarely", 100)]
    last_run, command = {}, Command()
    for now in (0, 5, 11, 50, 101):
        command.run_due_jobs(last_run, now)
    assert ran == ["often", "rarely", "often", "often", "often", "rarely"]
