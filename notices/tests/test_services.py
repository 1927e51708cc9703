from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notices import services
from notices.models import Notice, RevisionAction, Status
from notices.signals import notice_changed, revision_created
from riverains.testing import communes

pytestmark = pytest.mark.django_db(transaction=False)


def test_it_publishes_a_planned_notice_as_scheduled_with_a_first_revision(world):
    notice = world.publish()
    assert notice.status == Status.SCHEDULED
    assert notice.territory == world.x
    assert notice.published_at is not None
    revision = notice.revisions.get()
    assert (revision.number, revision.action, revision.status) == (1, RevisionAction.PUBLISHED, Status.SCHEDULED)
    assert revision.snapshot["title"] == notice.title
    assert {c["code"] for c in revision.snapshot["communes"]} == {
        c.code for c in world.site_a.neighbouring_communes.all()
    }


def test_a_notice_starting_now_is_ongoing(world):
    notice = world.publish(starts_at=timezone.now() - timedelta(minutes=5), kind="observed")
    assert notice.status == Status.ONGOING
    assert Notice.objects.active().filter(pk=notice.pk).exists()


def test_it_refuses_other_organizations_site(world):
    with pytest.raises(PermissionDenied):
        world.publish(actor=world.operator_b, site=world.site_a)
    assert not Notice.objects.exists()


def test_a_coordinator_may_publish_for_any_site_of_the_territory_only(world):
    world.publish(actor=world.coordinator_x, site=world.site_b)
    with pytest.raises(PermissionDenied):
        world.publish(actor=world.coordinator_y, site=world.site_a)
    assert Notice.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": "  "}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 2001}, "body"),
        ({"title": "<script>alert(1)</script>"}, "title"),
        ({"impact": "voir <a href='x'>ici</a>"}, "impact"),
        ({"perceptions": []}, "perceptions"),
        ({"perceptions": ["telepathic"]}, "perceptions"),
        ({"category": "explosion"}, "category"),
        ({"starts_at": None}, "starts_at"),
        ({"communes": []}, "communes"),
    ],
)
def test_bad_input_is_refused_with_a_french_message_and_changes_nothing(world, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        world.publish(**overrides)
    assert field in excinfo.value.message_dict
    assert not Notice.objects.exists()


def test_end_before_start_is_refused(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        world.publish(starts_at=now + timedelta(hours=3), expected_end_at=now + timedelta(hours=2))
    assert "La fin prévue doit être après le début." in excinfo.value.message_dict["expected_end_at"]


def test_an_observed_event_cannot_start_tomorrow(world):
    with pytest.raises(ValidationError) as excinfo:
        world.publish(kind="observed", starts_at=timezone.now() + timedelta(days=1), expected_end_at=None)
    assert "starts_at" in excinfo.value.message_dict


def test_a_commune_outside_the_territory_is_refused(world):
    martigues = communes("13056")
    with pytest.raises(ValidationError) as excinfo:
        world.publish(communes=martigues)
    assert "Martigues" in excinfo.value.message_dict["communes"][0]


def test_a_lone_less_than_sign_is_plain_text(world):
    notice = world.publish(body="Bruit < 60 dB à 500 m & fumée blanche.")
    assert notice.body == "Bruit < 60 dB à 500 m & fumée blanche."


def test_update_makes_a_new_revision_and_keeps_the_old_one(world):
    notice = world.publish()
    services.update(world.operator_a, notice, {"title": "Torchage prolongé"}, "Durée prolongée de deux heures")
    notice.refresh_from_db()
    assert notice.title == "Torchage prolongé"
    first, second = notice.revisions.order_by("number")
    assert first.snapshot["title"] == "Torchage sur l'unité de distillation"
    assert (second.number, second.action, second.change_note) == (2, RevisionAction.UPDATED, "Durée prolongée de deux heures")


def test_update_requires_saying_what_changed(world):
    notice = world.publish()
    with pytest.raises(ValidationError):
        services.update(world.operator_a, notice, {"title": "Autre"}, "  ")
    assert Notice.objects.get().title == "Torchage sur l'unité de distillation"
    assert notice.revisions.count() == 1


def test_operator_b_cannot_update_or_end_operator_a_notice(world):
    notice = world.publish(starts_at=timezone.now() - timedelta(minutes=1), kind="observed")
    with pytest.raises(PermissionDenied):
        services.update(world.operator_b, notice, {"title": "piraté"}, "x")
    with pytest.raises(PermissionDenied):
        services.end(world.operator_b, notice)
    notice.refresh_from_db()
    assert notice.status == Status.ONGOING and notice.title != "piraté"


def test_end_records_the_actual_end(world):
    notice = world.publish(starts_at=timezone.now() - timedelta(hours=1), kind="observed")
    services.end(world.operator_a, notice, change_note="Torchage terminé plus tôt que prévu")
    notice.refresh_from_db()
    assert notice.status == Status.ENDED and notice.ended_at is not None
    assert notice.revisions.last().action == RevisionAction.ENDED


def test_a_scheduled_notice_cannot_be_ended_before_it_starts(world):
    notice = world.publish()
    with pytest.raises(ValidationError):
        services.end(world.operator_a, notice)


def test_cancel_a_scheduled_operation(world):
    notice = world.publish()
    services.cancel(world.operator_a, notice, "Opération reportée à la semaine prochaine")
    notice.refresh_from_db()
    assert notice.status == Status.CANCELLED
    assert notice.public_reason == "Opération reportée à la semaine prochaine"


def test_an_ongoing_notice_cannot_be_cancelled(world):
    notice = world.publish(starts_at=timezone.now() - timedelta(minutes=10), kind="observed")
    with pytest.raises(ValidationError):
        services.cancel(world.operator_a, notice, "")


def test_coordinator_corrects_an_ended_notice_with_a_public_reason(world):
    notice = world.publish(starts_at=timezone.now() - timedelta(hours=1), kind="observed")
    services.end(world.operator_a, notice)
    services.update(world.coordinator_x, notice, {"impact": "Aucune incidence."}, "Précision sur l'incidence")
    assert notice.revisions.last().action == RevisionAction.CORRECTED
    with pytest.raises(ValidationError):
        services.update(world.operator_a, notice, {"impact": "x"}, "x")


def test_only_the_territory_coordinator_withdraws(world):
    notice = world.publish()
    with pytest.raises(PermissionDenied):
        services.withdraw(world.operator_a, notice, "erreur")
    with pytest.raises(PermissionDenied):
        services.withdraw(world.coordinator_y, notice, "erreur")
    with pytest.raises(ValidationError):
        services.withdraw(world.coordinator_x, notice, "")
    services.withdraw(world.coordinator_x, notice, "Message publié par erreur")
    notice.refresh_from_db()
    assert notice.status == Status.CANCELLED
    assert notice.revisions.last().action == RevisionAction.WITHDRAWN


def test_start_due_turns_scheduled_into_ongoing_once(world):
    notice = world.publish()
    assert services.start_due() == []
    started = services.start_due(now=timezone.now() + timedelta(hours=2))
    assert [n.pk for n in started] == [notice.pk]
    notice.refresh_from_db()
    assert notice.status == Status.ONGOING
    started_revision = notice.revisions.last()
    assert started_revision.action == RevisionAction.STARTED and started_revision.notify is False
    assert services.start_due(now=timezone.now() + timedelta(hours=2)) == []


def test_a_scheduled_notice_past_its_start_is_shown_as_active_before_the_worker_runs(world):
    notice = world.publish(starts_at=timezone.now() + timedelta(seconds=1))
    Notice.objects.filter(pk=notice.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    assert list(Notice.objects.active()) == [Notice.objects.get(pk=notice.pk)]


def test_overdue_lists_ongoing_notices_past_their_expected_end(world):
    now = timezone.now()
    late = world.publish(kind="observed", starts_at=now - timedelta(hours=3), expected_end_at=now - timedelta(hours=1))
    world.publish(kind="observed", starts_at=now - timedelta(hours=1), expected_end_at=now + timedelta(hours=1))
    assert list(Notice.objects.overdue()) == [late]


def test_signals_fire_inside_and_after_the_transaction(world, django_capture_on_commit_callbacks):
    inside, after = [], []

    def on_revision(notice, revision, **kw):
        inside.append(revision.number)

    def on_change(notice, revision, **kw):
        after.append(revision.number)

    revision_created.connect(on_revision)
    notice_changed.connect(on_change)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            world.publish()
            assert inside == [1] and after == []
        assert after == [1]
    finally:
        revision_created.disconnect(on_revision)
        notice_changed.disconnect(on_change)


def test_a_deactivated_member_can_no_longer_publish_or_change_its_notices(world):
    notice = world.publish()
    world.org_a.is_active = False
    world.org_a.save()
    with pytest.raises(PermissionDenied):
        world.publish()
    with pytest.raises(PermissionDenied):
        services.cancel(world.operator_a, notice, "")
    assert Notice.objects.get().status == Status.SCHEDULED


def test_a_title_is_one_line(world):
    with pytest.raises(ValidationError) as excinfo:
        world.publish(title="Torchage\r\nBcc: x@example.test")
    assert "une seule ligne" in excinfo.value.message_dict["title"][0]
    assert not Notice.objects.exists()
