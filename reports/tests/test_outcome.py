"""The outcome: a notice published afterwards explains the episode; or the coordinator closes it."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notices.models import Category
from relay.models import Delivery
from relay.sender import send_pending
from relay.tests.conftest import smtp  # noqa: F401  (aiosmtpd on loopback)
from reports import services
from reports.models import Episode, EpisodeStatus, Report

from .conftest import east_of, north_of

HARFLEUR = (49.5060, 0.1980)


def open_episode(resident, emails=("a@example.test", "", "c@example.test")):
    for email, p in zip(emails, [HARFLEUR, north_of(*HARFLEUR, 0.6), east_of(*HARFLEUR, 0.6)]):
        resident().report(position=p, email=email)
    return Episode.objects.get()


def test_publishing_an_explaining_notice_marks_the_episode_explained_and_tells_reporters(
        world, resident, django_capture_on_commit_callbacks):
    episode = open_episode(resident)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        notice = world.publish(category=Category.ODOUR, perceptions=["olfactory"], kind="observed",
                               starts_at=now - timedelta(minutes=40), expected_end_at=now + timedelta(hours=1),
                               title="Odeur de soufre pendant une purge")

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.EXPLAINED and episode.explaining_notice == notice
    send_pending()  # the answers went through the relay's outbox
    told = [m for m in mail.outbox if m.to[0] in ("a@example.test", "c@example.test")]
    assert sorted(m.to[0] for m in told) == ["a@example.test", "c@example.test"]
    assert f"/seine-estuaire/messages/{notice.pk}/" in told[0].body
    assert "Odeur de soufre pendant une purge" in told[0].body
    assert not Report.objects.exclude(email="").exists()  # addresses erased once told
    assert Report.objects.filter(explained=True).count() == 3


def test_a_notice_that_cannot_be_perceived_that_way_does_not_explain_the_episode(
        world, resident, django_capture_on_commit_callbacks):
    episode = open_episode(resident)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        world.publish(category=Category.SIREN_TEST, perceptions=["audible"],
                      starts_at=now - timedelta(minutes=40), expected_end_at=now + timedelta(hours=1))

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    assert Report.objects.exclude(email="").count() == 2


def test_the_coordinator_closes_an_episode_with_a_public_explanation(world, resident, django_capture_on_commit_callbacks):
    episode = open_episode(resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_episode(world.coordinator_x, episode, "Épandage agricole à Gainneville, sans lien avec les sites.")

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    send_pending()
    assert sorted(m.to[0] for m in mail.outbox if "Épandage" in m.body) == ["a@example.test", "c@example.test"]
    assert not Report.objects.exclude(email="").exists()


def test_only_the_territorys_coordinator_may_close_an_episode(world, resident):
    episode = open_episode(resident)
    for user in [world.operator_a, world.coordinator_y]:
        with pytest.raises(PermissionDenied):
            services.close_episode(user, episode, "Explication")
    with pytest.raises(ValidationError) as empty:
        services.close_episode(world.coordinator_x, episode, "  ")
    assert "Écrivez l'explication" in str(empty.value)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN


def test_unanswered_addresses_are_erased_after_the_retention_delay(world, resident):
    report, _ = resident().report(position=HARFLEUR, email="riverain@example.test")

    assert services.purge_emails(now=timezone.now() + timedelta(days=3)) == 0
    assert services.purge_emails(now=timezone.now() + timedelta(days=8)) == 1
    report.refresh_from_db()
    assert report.email == ""


def test_a_reporter_s_answer_is_retried_while_the_mail_server_is_down_and_its_address_then_forgotten(
        world, resident, client, smtp, django_capture_on_commit_callbacks):  # noqa: F811
    episode = open_episode(resident)
    smtp.stop()
    with django_capture_on_commit_callbacks(execute=True):
        services.close_episode(world.coordinator_x, episode, "Épandage agricole à Gainneville.")
    answers = Delivery.objects.filter(kind="report_answer")
    assert sorted(answers.values_list("address", flat=True)) == ["a@example.test", "c@example.test"]
    assert not Report.objects.exclude(email="").exists()  # the address moved to the outbox row

    send_pending()

    client.force_login(world.coordinator_x)
    page = client.get("/console/relais/").content.decode()
    assert "réponse à un signalement" in page and "a…@example.test" in page and "SMTP indisponible" in page
    assert "a@example.test" not in page  # a resident's address, masked
    smtp.start()
    send_pending(now=timezone.now() + timedelta(hours=1))
    assert sorted(r for rcpts, m in smtp.inbox.messages for r in rcpts if "Épandage" in m.get_content()) == [
        "a@example.test", "c@example.test"]
    assert list(answers.values_list("status", "address")) == [("sent", ""), ("sent", "")]  # forgotten once sent
