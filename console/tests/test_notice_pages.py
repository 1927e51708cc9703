"""Publishing and following a notice in the console, as the plant's officer does it."""
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notices.catalog import TEMPLATES, placeholders_in
from notices.models import Category, Explainer, Notice, Revision, RevisionAction, Status
from riverains.testing import communes

from .notice_data import notice_post, ongoing_notice, revision_post, split, state


@pytest.fixture
def operator(client, world):
    client.force_login(world.operator_a)
    return client


def form_values(html):
    """The values a browser would post from the pre-filled form (inputs, checked boxes, selects)."""
    values = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken" and ('type="checkbox"' not in tag and 'type="radio"' not in tag or " checked" in tag):
            values.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        values[name] = re.findall(r'<option value="([^"]*)"[^>]*selected', body)
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html, re.S):
        values[name] = [text]
    return {k: [v.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&") for v in vs] for k, vs in values.items()}


def test_choosing_a_template_prefills_the_form_with_the_sites_neighbours(operator, world):
    explainer = Explainer.objects.create(slug="autres-activites", title="Les autres activités", summary="s", body="b",
                                         categories=["autre", "incident"])
    page = operator.get(reverse("console:notice_create"), {"site": world.site_a.pk, "categorie": "autre"})
    values = form_values(page.content.decode())
    assert values["title"] == ["[Ce qui se voit, s'entend ou se sent] sur le site"]
    assert values["duration"] == ["120"]
    assert values["perceptions"] == ["visible"]
    assert set(values["communes"]) == {c.pk for c in world.site_a.neighbouring_communes.all()}
    assert values["explainer"] == [str(explainer.pk)]
    # Only the territory's communes are offered, with their postcodes.
    assert "Le Havre (76600, 76610, 76620)" in page.content.decode()
    assert "Martigues" not in page.content.decode()


def test_it_publishes_from_a_template_in_one_post(operator, world):
    page = operator.get(reverse("console:notice_create"), {"site": world.site_a.pk, "categorie": "bruit"})
    data = form_values(page.content.decode())
    data["title"] = ["Bruit de soufflage sur la chaudière 2"]
    data["body"] = ["Un bruit continu de soufflage pourra être entendu autour du site pendant la mise en service. "
                    "Il est dû à l'évacuation de vapeur."]
    data["action"] = ["publish"]

    response = operator.post(reverse("console:notice_create"), data)

    notice = Notice.objects.get()
    assert response.url == reverse("console:notice_detail", args=[notice.pk])
    assert (notice.status, notice.category, notice.title) == (Status.SCHEDULED, Category.NOISE, data["title"][0])
    assert notice.expected_end_at - notice.starts_at == timedelta(hours=1)
    assert list(split(notice.starts_at)) == data["starts_at_0"] + data["starts_at_1"]  # read as Paris time
    assert notice.revisions.get().action == RevisionAction.PUBLISHED
    assert "Message programmé" in operator.get(response.url).content.decode()


def test_a_template_with_its_placeholders_left_is_not_published(operator, world):
    page = operator.get(reverse("console:notice_create"), {"site": world.site_a.pk, "categorie": "bruit"})
    data = {**form_values(page.content.decode()), "action": ["publish"]}
    response = operator.post(reverse("console:notice_create"), data)
    assert "Remplacez ou supprimez les passages entre crochets" in response.content.decode()
    assert not Notice.objects.exists()


def test_every_category_has_a_template_with_placeholders_to_adjust():
    assert set(TEMPLATES) == set(Category)
    for template in TEMPLATES.values():
        assert template.title and template.body and template.perceptions
        assert placeholders_in(template.title) or placeholders_in(template.body) or template.category == Category.DRILL


def test_the_button_says_whether_it_publishes_now_or_schedules(operator, world):
    later = operator.get(reverse("console:notice_create"), {"site": world.site_a.pk, "categorie": "torchage"})
    now = operator.get(reverse("console:notice_create"), {"site": world.site_a.pk, "categorie": "incident"})
    assert re.search(r'value="publish"[^>]*>\s*Programmer', later.content.decode())
    assert re.search(r'value="publish"[^>]*>\s*Publier maintenant', now.content.decode())


def test_the_preview_shows_the_notice_as_residents_will_and_saves_nothing(operator, world):
    data = notice_post(world, action="preview", title="Torchage <visible> & bruit")
    data["title"] = "Torchage visible & bruit"

    response = operator.post(reverse("console:notice_create"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Torchage visible &amp; bruit" in page
    assert "Gonfreville" in page and "Harfleur" in page  # communes of the card
    assert 'type="hidden" name="title" value="Torchage visible &amp; bruit"' in page
    assert not Notice.objects.exists()
    republished = {**data, "action": "publish"}
    operator.post(reverse("console:notice_create"), republished)
    assert Notice.objects.get().title == "Torchage visible & bruit"


def test_the_preview_escapes_the_operators_text(operator, world):
    response = operator.post(reverse("console:notice_create"), notice_post(world, action="preview", body="Fumée & vapeur \"blanches\""))
    assert "Fumée &amp; vapeur &quot;blanches&quot;" in response.content.decode()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"duration": "other", "expected_end_at_0": "2020-01-01", "expected_end_at_1": "10:00"},
         "expected_end_at", "La fin prévue doit être après le début."),
        ({"body": "   "}, "body", "Écrivez le texte du message."),
        ({"title": "<b>Torchage</b>"}, "title", "Le texte ne doit pas contenir de balises HTML"),
        ({"communes": ["13056"]}, "communes", "Sélectionnez un choix valide"),
        ({"starts_at_0": "31/02/2025"}, "starts_at", "Saisissez une date valide"),
        ({"perceptions": []}, "perceptions", "Indiquez comment cela se perçoit"),
    ],
)
def test_bad_input_shows_french_errors_next_to_fields_and_saves_nothing(operator, world, overrides, field, message):
    response = operator.post(reverse("console:notice_create"), notice_post(world, **overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'<a href="#id_{field}' in page  # the summary links to the field
    assert re.search(rf'id="id_{field}(_0)?_error"', page) or f'id="id_{field}_error"' in page
    assert "<title>Erreur" in page
    assert not Notice.objects.exists()


def test_a_commune_of_the_other_territory_is_refused_even_for_a_superuser(client, world):
    client.force_login(world.superuser)  # whose sites span both territories
    martigues = communes("13056")[0]
    response = client.post(reverse("console:notice_create"), notice_post(world, communes=[martigues.pk]))
    assert "Sélectionnez un choix valide. 13056 n’en fait pas partie." in response.content.decode()
    assert not Notice.objects.exists()


def test_a_draft_is_kept_hidden_then_published(operator, world):
    operator.post(reverse("console:notice_create"), notice_post(world, action="draft", title="Torchage [unité]"))
    draft = Notice.objects.get()
    assert draft.status == Status.DRAFT and not draft.revisions.exists()
    page = operator.get(reverse("console:notice_draft", args=[draft.pk])).content.decode()
    assert "Torchage [unité]" in page

    operator.post(reverse("console:notice_draft", args=[draft.pk]), notice_post(world, title="Torchage unité 3"))

    draft.refresh_from_db()
    assert (draft.status, draft.title) == (Status.SCHEDULED, "Torchage unité 3")
    assert Notice.objects.count() == 1


def test_an_update_creates_a_revision_with_the_change_note(operator, world):
    notice = ongoing_notice(world)
    later = timezone.now() + timedelta(hours=5)
    data = revision_post(notice, change_note="Fin prévue repoussée à ce soir.")
    data["expected_end_at_0"], data["expected_end_at_1"] = split(later)

    operator.post(reverse("console:notice_update", args=[notice.pk]), data)

    revision = notice.revisions.order_by("-number").first()
    assert (revision.number, revision.action, revision.change_note) == (2, RevisionAction.UPDATED, "Fin prévue repoussée à ce soir.")
    assert revision.notify
    notice.refresh_from_db()
    assert timezone.localtime(notice.expected_end_at).strftime("%H:%M") == timezone.localtime(later).strftime("%H:%M")
    detail = operator.get(reverse("console:notice_detail", args=[notice.pk])).content.decode()
    assert "Fin prévue repoussée à ce soir." in detail


def test_an_update_without_change_note_is_refused(operator, world):
    notice = ongoing_notice(world)
    before = state(notice)
    response = operator.post(reverse("console:notice_update", args=[notice.pk]), revision_post(notice, change_note=""))
    assert "Dites en quelques mots ce qui a changé." in response.content.decode()
    assert state(notice) == before


def test_an_update_may_leave_subscribers_unnotified(operator, world):
    notice = ongoing_notice(world)
    data = revision_post(notice, change_note="Coquille corrigée.")
    del data["notify"]
    operator.post(reverse("console:notice_update", args=[notice.pk]), data)
    assert not notice.revisions.order_by("-number").first().notify


def test_ending_in_the_future_is_refused(operator, world):
    notice = ongoing_notice(world)
    before = state(notice)
    date, time = split(timezone.now() + timedelta(hours=2))
    response = operator.post(reverse("console:notice_end", args=[notice.pk]), {"end-ended_at_0": date, "end-ended_at_1": time})
    assert "La fin effective ne peut pas être dans le futur." in response.content.decode()
    assert state(notice) == before


def test_ending_records_the_time_given_in_paris_time(operator, world):
    notice = ongoing_notice(world)
    ended = timezone.localtime() - timedelta(minutes=10)
    date, time = split(ended)
    operator.post(reverse("console:notice_end", args=[notice.pk]), {"end-ended_at_0": date, "end-ended_at_1": time, "end-note": "Fini."})
    notice.refresh_from_db()
    assert notice.status == Status.ENDED
    assert abs(notice.ended_at - ended.replace(second=0, microsecond=0)) < timedelta(seconds=1)
    assert notice.latest_revision.change_note == "Fini."


def test_withdrawing_needs_a_reason_and_a_confirmation(client, world):
    notice = ongoing_notice(world)
    client.force_login(world.coordinator_x)
    before = state(notice)
    response = client.post(reverse("console:notice_withdraw", args=[notice.pk]), {"withdraw-reason": ""})
    page = response.content.decode()
    assert "Cochez la case pour confirmer le retrait." in page
    response = client.post(reverse("console:notice_withdraw", args=[notice.pk]), {"withdraw-confirm": "on"})
    assert "Indiquez le motif du retrait : il sera public." in response.content.decode()
    assert state(notice) == before


def test_a_coordinator_correction_shows_its_public_reason(client, world):
    notice = ongoing_notice(world)
    client.force_login(world.coordinator_x)
    page = client.get(reverse("console:notice_correct", args=[notice.pk])).content.decode()
    assert "Motif public de la correction" in page
    client.post(reverse("console:notice_correct", args=[notice.pk]), revision_post(notice, change_note="Commune oubliée."))
    revision = Revision.objects.filter(notice=notice).order_by("-number").first()
    assert (revision.action, revision.change_note) == (RevisionAction.CORRECTED, "Commune oubliée.")


def test_the_detail_offers_the_actions_of_the_state(operator, world):
    scheduled = world.publish()
    ongoing = ongoing_notice(world)
    scheduled_page = operator.get(reverse("console:notice_detail", args=[scheduled.pk])).content.decode()
    ongoing_page = operator.get(reverse("console:notice_detail", args=[ongoing.pk])).content.decode()
    def forms(page, notice):
        return {name for name in ["end", "cancel", "withdraw", "update", "correct"]
                if reverse(f"console:notice_{name}", args=[notice.pk]) in page}

    assert forms(scheduled_page, scheduled) == {"cancel", "update"}
    assert forms(ongoing_page, ongoing) == {"end", "update"}  # withdrawing and correcting are the coordinator's


def test_the_list_sorts_notices_by_status(operator, world):
    ongoing = ongoing_notice(world, title="Torchage en cours")
    scheduled = world.publish(title="Essai de sirène mercredi")
    page = operator.get(reverse("console:notice_list")).content.decode()
    assert page.index("Torchage en cours") < page.index('id="programmes"') < page.index("Essai de sirène mercredi")
    assert ongoing.pk != scheduled.pk


def test_an_ongoing_notice_past_its_end_is_highlighted_as_a_reminder(operator, world):
    now = timezone.now()
    notice = ongoing_notice(world, title="Torchage de l'unité 3", starts_at=now - timedelta(hours=3),
                            expected_end_at=now - timedelta(hours=1))
    end = timezone.localtime(notice.expected_end_at)
    expected_hour = f"{end.hour} h" + (f" {end.minute:02d}" if end.minute else "")

    page = operator.get(reverse("console:notice_list")).content.decode()

    assert re.search(rf"Ce message devait se terminer (à|le .* à) {expected_hour} : terminez-le ou prolongez-le", page)
    assert "notice-list__item--overdue" in page


def test_the_overdue_reminder_include_lists_only_the_users_notices(client, world):
    from django.template.loader import render_to_string

    from console.views.notices import overdue_for

    ongoing_notice(world, title="Torchage oublié", starts_at=timezone.now() - timedelta(hours=3),
                   expected_end_at=timezone.now() - timedelta(minutes=5))
    ongoing_notice(world, title="Vapeur à l'heure")
    html_a = render_to_string("console/notices/_overdue_reminder.html", {"overdue": overdue_for(world.operator_a)})
    html_b = render_to_string("console/notices/_overdue_reminder.html", {"overdue": overdue_for(world.operator_b)})
    assert "Torchage oublié" in html_a and "Vapeur" not in html_a
    assert "terminez-le ou prolongez-le" in html_a
    assert html_b.strip() == ""
