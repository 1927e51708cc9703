"""One rule for every console address (console.middleware): signed in, past the second factor
when one is set up, and set up when the territory requires it. The matrix below walks Django's
URL resolver, so a console page added tomorrow, in any app, is checked without being listed."""
import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from console.middleware import ACCESS_EXCEPTIONS, PUBLIC, SETTING_UP, SIGNED_IN
from console.tests.urlwalk import console_url_patterns, sample_url
from reports.models import Episode, EpisodeStatus
from voice.models import Call

# The console pages that do not need the whole rule, and why. Adding one to the middleware's
# list without adding it here (or the other way round) fails test_the_exceptions_are_the_known_ones.
EXPECTED_EXCEPTIONS = {
    "login": PUBLIC,
    "logout": PUBLIC,
    "password_reset": PUBLIC,  # a forgotten password: nobody is signed in yet
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "invitation_accept": PUBLIC,  # the link in an invitation e-mail: the account may not exist yet
    "two_factor_verify": SIGNED_IN,  # where the second factor is typed in
    "two_factor_setup": SETTING_UP,  # where it is set up by those who must have one
}


def with_device(user):
    TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    return user


def open_episode(world):
    now = timezone.now()
    return Episode.objects.create(territory=world.x, opened_at=now, last_report_at=now, report_count=3)


def is_login_redirect(response):
    return response.status_code == 302 and response.url.startswith(reverse("console:login") + "?next=")


def is_second_factor_redirect(response):
    return response.status_code == 302 and response.url.startswith(reverse("console:two_factor_verify") + "?next=")


# --- the areas that used to check the password only ---------------------------------------------


def test_a_password_alone_does_not_open_the_episodes(client, world):
    episode = open_episode(world)
    client.force_login(with_device(world.coordinator_x))  # password checked, code not typed
    for url in (reverse("console:reports_episodes"), reverse("console:reports_episode", args=[episode.pk]),
                reverse("console:reports_episode_map", args=[episode.pk])):
        response = client.get(url)
        assert is_second_factor_redirect(response), (url, response.status_code)


def test_a_password_alone_does_not_close_an_episode(client, world):
    episode = open_episode(world)
    client.force_login(with_device(world.coordinator_x))
    response = client.post(reverse("console:reports_close", args=[episode.pk]),
                           {"explanation": "Un essai de torche annoncé trop tard."})
    assert is_second_factor_redirect(response)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN and episode.public_explanation == ""


def test_a_password_alone_does_not_show_the_phone_statistics(client, world):
    Call.objects.create(territory=world.x, call_sid="CA1", caller_hash="h", choices=["1"], started_at=timezone.now())
    client.force_login(with_device(world.coordinator_x))
    for url in (reverse("console:voice_stats"), reverse("console:voice_territory_stats", args=[world.x.slug])):
        response = client.get(url)
        assert is_second_factor_redirect(response), (url, response.status_code)


# --- every console address -------------------------------------------------------------------


def test_the_exceptions_are_the_known_ones():
    assert ACCESS_EXCEPTIONS == EXPECTED_EXCEPTIONS
    names = {pattern.name for pattern in console_url_patterns()}
    assert set(EXPECTED_EXCEPTIONS) <= names  # no stale entry


def guarded_urls(world):
    return [(p.name, sample_url(p, world)) for p in console_url_patterns() if p.name not in EXPECTED_EXCEPTIONS]


def test_the_matrix_covers_every_app_of_the_console(world):
    names = {name for name, _url in guarded_urls(world)}
    # Not a list to keep up to date: a floor, so that a walk that finds nothing cannot pass.
    for expected in ("home", "notice_list", "manage", "token_list", "voice_stats", "relay_overview",
                     "reports_episodes", "reports_close", "stats_index", "stats_yearly_report"):
        assert expected in names
    assert len(names) >= 50


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_the_login_page_from_every_console_url(client, world, method):
    escaped = []
    for name, url in guarded_urls(world):
        response = getattr(client, method)(url)
        if not is_login_redirect(response):
            escaped.append((name, url, response.status_code))
    assert escaped == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_password_alone_opens_no_console_url_when_a_second_factor_is_set_up(client, world, method):
    client.force_login(with_device(world.superuser))  # the widest scope: nothing is a 404 for it
    escaped = []
    for name, url in guarded_urls(world):
        response = getattr(client, method)(url)
        if not is_second_factor_redirect(response):
            escaped.append((name, url, response.status_code))
    assert escaped == []


def test_a_member_of_a_territory_requiring_two_factor_must_set_it_up_first(client, world):
    world.x.require_two_factor = True
    world.x.save()
    client.force_login(world.coordinator_x)
    escaped = []
    for name, url in guarded_urls(world):
        response = client.get(url)
        if not (response.status_code == 302 and response.url.startswith(reverse("console:two_factor_setup"))):
            escaped.append((name, url, response.status_code))
    assert escaped == []
    assert client.get(reverse("console:two_factor_setup")).status_code == 200


def test_the_exceptions_open_as_documented(client, world):
    """Public pages open signed out; the code page wants a password first; the set-up page is
    reachable with a password alone by those who must set one up."""
    for name, access in EXPECTED_EXCEPTIONS.items():
        if access == PUBLIC:
            pattern = next(p for p in console_url_patterns() if p.name == name)
            assert not is_login_redirect(client.get(sample_url(pattern, world))), name
    assert is_login_redirect(client.get(reverse("console:two_factor_verify")))
    assert is_login_redirect(client.get(reverse("console:two_factor_setup")))


# --- no copy of a console page in any cache ---------------------------------------------------


def test_every_console_response_forbids_storing_it(client, world):
    notice = world.publish()
    episode = open_episode(world)
    assert notice.pk and episode.pk
    unstored = []
    for pattern in console_url_patterns():
        url = sample_url(pattern, world)
        for signed_in in (False, True):
            if signed_in:
                client.force_login(world.coordinator_x)
            else:
                client.logout()
            response = client.get(url)
            directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
            if not {"no-store", "private"} <= directives:
                unstored.append((pattern.name, signed_in, response.status_code, response.get("Cache-Control")))
    assert unstored == []
