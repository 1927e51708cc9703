"""Public pages: the form, the instant answer, the aggregated map; the console's episodes."""
import json
import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notices.models import Category
from reports.models import Episode, EpisodeStatus, Report

from .conftest import east_of, north_of

HARFLEUR = (49.5060, 0.1980)
SECRET = "<script>alert('voisin')</script> mon voisin Jean au 12 rue"


def post_report(client, world, **changes):
    data = dict(kind="odour", intensity="4", descriptors=["sulphur", "burnt"], when="now",
                latitude=str(HARFLEUR[0]), longitude=str(HARFLEUR[1]), commune="", comment=SECRET, email="", website="")
    data.update(changes)
    return client.post(reverse("reports:form", args=[world.x.slug]), data)


def test_the_form_offers_every_kind_intensity_and_commune(client, world):
    page = client.get(reverse("reports:form", args=[world.x.slug])).content.decode()

    for words in ["Odeur", "Flamme, torchage", "Extrêmement forte", "Œuf pourri, soufre", "Maintenant", "Harfleur (76700)"]:
        assert words in page
    assert "<script>" not in page.replace('<script src="', "")  # no inline script (CSP)


def test_a_resident_reports_an_odour_and_sees_the_explaining_notice(client, world):
    now = timezone.now()
    world.publish(category=Category.ODOUR, perceptions=["olfactory"], title="Odeur d'H2S & mercaptans",
                  starts_at=now - timedelta(minutes=10), expected_end_at=now + timedelta(hours=2))

    response = post_report(client, world)

    assert response.status_code == 302
    answer = client.get(response["Location"]).content.decode()
    assert "Odeur d&#x27;H2S &amp; mercaptans" in answer
    assert "Odeur en cours à" in answer
    assert "Aucun message publié" not in answer


def test_without_a_notice_the_answer_is_honest_and_says_what_to_do_if_dangerous(client, world):
    response = post_report(client, world)

    answer = client.get(response["Location"]).content.decode()
    assert "Aucun message publié n'explique ce que vous percevez pour l'instant" in answer
    # What was reported, in French that agrees (« intensité nette ») and a French clock (« 14 h 05 »).
    assert re.search(r"Odeur, intensité \w+.*, à \d{1,2}\xa0h(\xa0\d\d)?\.</p>", answer), answer
    assert "112" in answer and "18" in answer
    assert "mettez-vous à l&#x27;abri" in answer


def test_the_form_shows_french_errors_and_keeps_what_was_typed(client, world):
    response = post_report(client, world, kind="", latitude="", longitude="", email="nope", comment="ça sent fort")

    page = response.content.decode()
    assert response.status_code == 400
    assert "Choisissez ce que vous percevez" in page and "Indiquez où vous êtes" in page
    assert "ça sent fort" in page
    assert not Report.objects.exists()


def test_an_unreadable_earlier_time_is_refused_by_the_form(client, world):
    response = post_report(client, world, when="earlier", time="25:99")

    assert response.status_code == 400
    assert "Indiquez quand vous l" in response.content.decode()
    assert not Report.objects.exists()


def test_comments_and_exact_positions_never_appear_in_public_outputs(client, world):
    for i in range(3):
        client.cookies.clear()
        post_report(client, world, latitude=str(north_of(*HARFLEUR, 0.3 * i)[0]), REMOTE_ADDR=f"192.0.2.{i}")
    report = Report.objects.first()

    answer = client.get(reverse("reports:answer", args=[world.x.slug, report.token])).content.decode()
    data = client.get(reverse("reports_hooks:map_data", args=[world.x.slug]))
    page = client.get(reverse("reports:map", args=[world.x.slug])).content.decode()

    payload = json.loads(data.content)
    assert sum(c["count"] for c in payload["cells"]) == 3
    for text in [answer, data.content.decode(), page]:
        assert "voisin" not in text
        assert f"{report.latitude}" not in text and f"{report.longitude}" not in text
    assert "public" in data["Cache-Control"] and "max-age=60" in data["Cache-Control"]


def test_the_public_map_counts_only_recent_reports_of_the_territory(client, world, resident):
    resident().report(position=HARFLEUR)
    resident(territory=world.y).report(position=(43.4700, 5.1500))
    Report.objects.create(territory=world.x, kind="odour", intensity=2, observed_at=timezone.now() - timedelta(days=2),
                          latitude=HARFLEUR[0], longitude=HARFLEUR[1], h3_cell="871865c8bffffff", network_hash="old")

    payload = client.get(reverse("reports_hooks:map_data", args=[world.x.slug])).json()

    assert [c["count"] for c in payload["cells"]] == [1]


def open_episode(resident):
    for p in [HARFLEUR, north_of(*HARFLEUR, 0.6), east_of(*HARFLEUR, 0.6)]:
        resident().report(position=p, comment=SECRET)
    return Episode.objects.get()


def login(client, user):
    client.force_login(user)


def test_the_coordinator_sees_the_episode_timeline_and_map(client, world, resident):
    episode = open_episode(resident)
    login(client, world.coordinator_x)

    listing = client.get(reverse("console:reports_episodes")).content.decode()
    detail = client.get(reverse("console:reports_episode", args=[episode.pk])).content.decode()
    data = client.get(reverse("console:reports_episode_map", args=[episode.pk])).json()

    assert reverse("console:reports_episode", args=[episode.pk]) in listing
    assert detail.count("Odeur, intensité nette (Œuf pourri, soufre)") == 3
    assert "&lt;script&gt;alert(" in detail and "<script>alert(" not in detail
    assert sum(c["count"] for c in data["cells"]) == 3


def test_an_operator_sees_only_episodes_its_sites_were_told_of(client, world, resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode = open_episode(resident)
    assert world.site_a in episode.notified_sites.all()

    login(client, world.operator_a)
    seen = client.get(reverse("console:reports_episode", args=[episode.pk]))
    assert seen.status_code == 200 and "alert(" not in seen.content.decode()  # comments are for coordinators
    client.logout()
    login(client, world.operator_c)
    assert client.get(reverse("console:reports_episode", args=[episode.pk])).status_code == 404
    assert reverse("console:reports_episode", args=[episode.pk]) not in client.get(reverse("console:reports_episodes")).content.decode()
    client.logout()
    login(client, world.coordinator_y)
    assert client.get(reverse("console:reports_episode", args=[episode.pk])).status_code == 404


def test_the_coordinator_closes_the_episode_from_the_console(client, world, resident, django_capture_on_commit_callbacks):
    episode = open_episode(resident)
    login(client, world.coordinator_x)
    url = reverse("console:reports_close", args=[episode.pk])

    refused = client.post(url, {"explanation": ""})
    with django_capture_on_commit_callbacks(execute=True):
        closed = client.post(url, {"explanation": "Brûlage de végétaux par un particulier."})

    assert refused.status_code == 400 and "Écrivez l&#x27;explication" in refused.content.decode()
    assert closed.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED and episode.closed_by == world.coordinator_x


def test_an_operator_cannot_close_an_episode(client, world, resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode = open_episode(resident)
    login(client, world.operator_a)

    response = client.post(reverse("console:reports_close", args=[episode.pk]), {"explanation": "Rien à voir"})

    assert response.status_code == 403
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    assert not any("Rien à voir" in m.body for m in mail.outbox)


def test_the_report_link_points_to_the_form(world):
    from django.template.loader import render_to_string

    html = render_to_string("reports/_report_link.html", {"territory": world.x})

    assert 'href="/seine-estuaire/signaler/"' in html
