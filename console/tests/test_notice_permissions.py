"""Who may do what with a notice of site A (organization A, territory X), in the console.

One row per action, one column per person. Refused requests answer 404 (the notice is outside
the person's scope), 403 (in scope, but the action is the coordinator's) or a redirect to the
login page (anonymous), and leave the notice exactly as it was."""
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils.html import escape

from notices.models import Notice, RevisionAction, Status

from .notice_data import notice_post, ongoing_notice, revision_post, scheduled_notice, state

OK, LOGIN, HIDDEN = "ok", "login", "hidden"  # HIDDEN: the page opens but does not show the notice
PEOPLE = ["anonymous", "operator_a", "operator_b", "coordinator_x", "coordinator_y", "superuser"]
MATRIX = {
    #             anonymous operator_a operator_b coordinator_x coordinator_y superuser
    "list":      (LOGIN,    OK,        HIDDEN,    OK,           HIDDEN,       OK),
    "detail":    (LOGIN,    OK,        404,       OK,           404,          OK),
    "publish":   (LOGIN,    OK,        403,       OK,           403,          OK),
    "draft":     (LOGIN,    OK,        403,       OK,           403,          OK),
    "update":    (LOGIN,    OK,        404,       OK,           404,          OK),
    "end":       (LOGIN,    OK,        404,       OK,           404,          OK),
    "cancel":    (LOGIN,    OK,        404,       OK,           404,          OK),
    "correct":   (LOGIN,    403,       404,       OK,           404,          OK),
    "withdraw":  (LOGIN,    403,       404,       OK,           404,          OK),
}
CASES = [(action, person, expected) for action, row in MATRIX.items() for person, expected in zip(PEOPLE, row)]


def url(name, notice=None):
    return reverse(f"console:{name}", args=[notice.pk] if notice else [])


# Each action: (the notice it needs, the request, what success looks like).
def _list(client, world, notice):
    return client.get(url("notice_list"))


def _detail(client, world, notice):
    return client.get(url("notice_detail", notice))


def _publish(client, world, notice):
    return client.post(url("notice_create"), notice_post(world))


def _draft(client, world, notice):
    return client.post(url("notice_create"), notice_post(world, action="draft"))


def _update(client, world, notice):
    return client.post(url("notice_update", notice), revision_post(notice, title="Torchage prolongé"))


def _correct(client, world, notice):
    return client.post(url("notice_correct", notice), revision_post(notice, title="Torchage (corrigé)"))


def _end(client, world, notice):
    return client.post(url("notice_end", notice), {"end-note": "Redémarrage terminé."})


def _cancel(client, world, notice):
    return client.post(url("notice_cancel", notice), {"cancel-reason": "Opération reportée."})


def _withdraw(client, world, notice):
    return client.post(url("notice_withdraw", notice), {"withdraw-reason": "Message erroné.", "withdraw-confirm": "on"})


def _new_notice(status):
    def check(notice, response):
        created = Notice.objects.exclude(pk=notice.pk).get()
        assert created.site.name == "Raffinerie de Gonfreville"
        assert created.status == status
        assert response.url == url("notice_detail", created)
    return check


def _shows_title(notice, response):
    assert response.status_code == 200
    assert escape(notice.title) in response.content.decode()


def _last_revision(action, status=None, title=None):
    def check(notice, response):
        notice.refresh_from_db()
        assert notice.latest_revision.action == action
        assert notice.status == (status or notice.status)
        assert notice.title == (title or notice.title)
        assert response.url == url("notice_detail", notice)
    return check


ACTIONS = {
    "list": (ongoing_notice, _list, _shows_title),
    "detail": (ongoing_notice, _detail, _shows_title),
    "publish": (ongoing_notice, _publish, _new_notice(Status.SCHEDULED)),
    "draft": (ongoing_notice, _draft, _new_notice(Status.DRAFT)),
    "update": (ongoing_notice, _update, None),  # updated by its operator, corrected by others: see below
    "end": (ongoing_notice, _end, _last_revision(RevisionAction.ENDED, Status.ENDED)),
    "cancel": (scheduled_notice, _cancel, _last_revision(RevisionAction.CANCELLED, Status.CANCELLED)),
    "correct": (ongoing_notice, _correct, _last_revision(RevisionAction.CORRECTED, title="Torchage (corrigé)")),
    "withdraw": (ongoing_notice, _withdraw, _last_revision(RevisionAction.WITHDRAWN, Status.CANCELLED)),
}


def _update_check(person):
    # A coordinator's or superuser's change to another organization's notice is a correction.
    action = RevisionAction.UPDATED if person == "operator_a" else RevisionAction.CORRECTED
    return _last_revision(action, title="Torchage prolongé")


@pytest.mark.parametrize("action, person, expected", CASES, ids=[f"{a}-{p}" for a, p, _ in CASES])
def test_permission_matrix(client, world, action, person, expected):
    make_notice, request, check = ACTIONS[action]
    notice = make_notice(world)
    if person != "anonymous":
        client.force_login(getattr(world, person))
    before, count = state(notice), Notice.objects.count()

    response = request(client, world, notice)

    if expected == OK:
        assert response.status_code in (200, 302), response.content.decode()[:2000]
        (check or _update_check(person))(notice, response)
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert urlparse(response.url).path == reverse("console:login")
    elif expected == HIDDEN:
        assert response.status_code == 200
        assert escape(notice.title) not in response.content.decode()
    else:
        assert response.status_code == expected
    assert state(notice) == before
    assert Notice.objects.count() == count


def test_an_action_without_csrf_token_is_refused(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    notice = ongoing_notice(world)
    client.force_login(world.operator_a)
    before = state(notice)
    response = client.post(url("notice_end", notice), {"end-note": "Fini."})
    assert response.status_code == 403
    assert state(notice) == before


def test_actions_refuse_get(client, world):
    notice = ongoing_notice(world)
    client.force_login(world.operator_a)
    before = state(notice)
    assert client.get(url("notice_end", notice)).status_code == 405
    assert state(notice) == before


def test_the_site_choice_lists_only_the_users_sites(client, world):
    client.force_login(world.coordinator_x)
    page = client.get(url("notice_create")).content.decode()
    assert escape(world.site_a.name) in page and escape(world.site_b.name) in page
    assert escape(world.site_c.name) not in page
