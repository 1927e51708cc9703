"""A report is checked and matched against what this process keeps in memory (reports.snapshot):
whatever is written — a notice published, changed, ended, withdrawn, a site moved — is seen by
the very next report, with the memory already warm."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from notices import services as notice_services
from notices.models import Category, Notice
from reports import snapshot

from .conftest import north_of

HARFLEUR = (49.5060, 0.1980)


def flame_near(world, km=3):
    return north_of(world.site_a.latitude, world.site_a.longitude, km)


def ongoing_flare(world, **overrides):
    now = timezone.now()
    fields = dict(category=Category.FLARING, perceptions=["visible"], title="Torchage de redémarrage",
                  starts_at=now - timedelta(minutes=20), expected_end_at=now + timedelta(hours=2))
    fields.update(overrides)
    return world.publish(**fields)


def test_a_notice_published_after_a_report_answers_the_very_next_one_through_the_form(client, world, resident):
    first, matches = resident().report(kind="flame", position=flame_near(world))  # the memory is warm now
    assert matches == [] and not first.explained

    ongoing_flare(world, title="Torchage annoncé à l'instant")
    position = flame_near(world, 4)
    response = client.post(reverse("reports:form", args=[world.x.slug]), dict(
        kind="flame", intensity="3", when="now", latitude=str(position[0]), longitude=str(position[1]),
        commune="", comment="", email="", website=""), REMOTE_ADDR="198.51.100.20")

    assert response.status_code == 302
    answer = client.get(response["Location"]).content.decode()
    assert "Torchage annoncé à l&#x27;instant" in answer


def test_a_notice_changed_ended_or_withdrawn_is_seen_by_the_very_next_report(world, resident):
    flare = ongoing_flare(world)
    _report, matches = resident().report(kind="flame", position=flame_near(world))
    assert [m.notice for m in matches] == [flare] and "en cours" in matches[0].why

    # Changed: now it says it is heard, not seen.
    notice_services.update(world.operator_a, flare, {"perceptions": ["audible"], "category": Category.NOISE},
                           "C'est du bruit, pas une flamme")
    _report, matches = resident().report(kind="flame", position=flame_near(world))
    assert matches == []
    _report, matches = resident().report(kind="noise", position=flame_near(world, 1))
    assert [m.notice for m in matches] == [flare]

    # Ended: still explains within the margin, and says when it ended.
    notice_services.end(world.operator_a, Notice.objects.get(pk=flare.pk))
    _report, matches = resident().report(kind="noise", position=flame_near(world, 1))
    assert [m.notice for m in matches] == [flare] and "fin à" in matches[0].why

    # Withdrawn: explains nothing any more.
    notice_services.withdraw(world.coordinator_x, Notice.objects.get(pk=flare.pk), "Publié par erreur")
    _report, matches = resident().report(kind="noise", position=flame_near(world, 1))
    assert matches == []


def test_a_change_committed_with_an_older_updated_at_is_seen_too(world, resident):
    """Two writers: the one that commits last may have stamped its notice first. The memory
    compares every notice's version, not the latest one, so it is not fooled."""
    older = ongoing_flare(world)
    ongoing_flare(world, title="Second torchage")
    resident().report(kind="flame", position=flame_near(world))
    stamped_before = Notice.objects.get(pk=older.pk).updated_at - timedelta(seconds=1)

    Notice.objects.filter(pk=older.pk).update(perceptions=["audible"], updated_at=stamped_before)
    _report, matches = resident().report(kind="noise", position=flame_near(world, 1))

    assert [m.notice for m in matches] == [older]


def test_a_site_moved_or_closed_changes_where_reports_are_accepted(world, resident):
    far = north_of(world.site_a.latitude, world.site_a.longitude, 40)
    _report, _matches = resident().report(kind="odour", position=HARFLEUR)  # the memory is warm now

    world.site_b.latitude, world.site_b.longitude = far
    world.site_b.save()
    report, _matches = resident().report(kind="odour", position=north_of(*far, 1))
    assert report.pk is not None

    world.site_b.is_active = False
    world.site_b.save()
    try:
        resident().report(kind="odour", position=north_of(*far, 2))
    except Exception as error:  # ValidationError: too far from every active site
        assert "position" in error.message_dict
    else:
        raise AssertionError("a report far from every active site was accepted")


def test_the_memory_is_reused_while_nothing_changes(world):
    ongoing_flare(world)
    kept = snapshot.for_territory(world.x.pk)

    assert snapshot.for_territory(world.x.pk) is kept
    ongoing_flare(world, title="Un autre")
    assert snapshot.for_territory(world.x.pk) is not kept


def test_the_territory_s_rules_and_publication_are_seen_by_the_very_next_report(client, world, resident):
    from reports.models import ReportSettings

    world.x.is_published = True
    world.x.save()
    form = reverse("reports:form", args=[world.x.slug])
    assert client.get(form).status_code == 200  # the memory is warm now
    far = north_of(world.site_a.latitude, world.site_a.longitude, 15)
    resident().report(kind="flame", position=far)

    ReportSettings.objects.create(territory=world.x, area_radius_km=10)
    response = client.post(form, dict(kind="flame", intensity="3", when="now", latitude=str(far[0]),
                                      longitude=str(far[1]), commune="", comment="", email="", website=""),
                           REMOTE_ADDR="198.51.100.30")
    assert response.status_code == 400
    assert "ce service ne couvre que les environs des sites (10 km)" in response.content.decode()

    world.x.is_published = False
    world.x.save()
    assert client.get(form).status_code == 404
