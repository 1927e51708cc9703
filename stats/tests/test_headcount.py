"""True subscriber counts over time although subscribers who leave are deleted: their departures
(and commune changes) are recorded as counts, through the real ways out — the unsubscribe link,
SMS STOP, the manage page, an expired browser, a partner's webhook removed — in territory X, 2026."""
from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from relay import services, transactional
from relay.models import Delivery, MessageKind, Subscription
from relay.sender import send_pending
from stats import dashboard, figures
from stats.figures import Period
from stats.models import CommuneFollowerChange, EndedSubscriptions
from territories.models import Commune, Territory

from .conftest import paris

SPRING = Period(date(2026, 1, 1), date(2026, 5, 1))  # counts at the end of January … April


@pytest.fixture
def clock(monkeypatch):
    """Sets the time Django sees (timezone.now) from then on."""

    def at(*args):
        moment = paris(*args)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return at


@pytest.fixture
def communes(world):
    return SimpleNamespace(**{name: Commune.objects.get(code=code) for name, code in [
        ("le_havre", "76351"), ("harfleur", "76341"), ("epouville", "76238"), ("martigues", "13056")]})


def subscriber(territory, channel, address, confirmed_at, communes=()):
    """Subscribed with its communes, then confirmed at `confirmed_at` (in the past)."""
    s = Subscription.objects.create(territory=territory, channel=channel, address=address, manage_nonce="n")
    s.communes.set(communes)
    Subscription.objects.filter(pk=s.pk).update(confirmed_at=confirmed_at)
    s.refresh_from_db()
    return s


def channel_counts(territory, label, period=SPRING):
    """[count at the end of each month] for one channel."""
    return [{str(c): n for c, n in per.items()}[label] for _month, per in figures.subscribers_by_channel_over_time(territory, period)]


def by_commune(territory, end):
    """Subscribers per commune at the midnight starting `end`."""
    return figures.subscribers_by_commune(territory, Period(date(2026, 1, 1), end))


def test_an_unsubscribed_subscriber_counts_until_they_leave_per_channel_and_commune(world, client, clock, communes):
    leaving = subscriber(world.x, "email", "part@example.test", paris(2026, 1, 15, 10), [communes.le_havre])
    subscriber(world.x, "sms", "+33600000001", paris(2026, 2, 3, 9), [communes.harfleur])

    clock(2026, 3, 10, 9)
    response = client.post(f"/relais/desabonnement/{services.manage_token(leaving)}/")  # the link in every e-mail

    assert response.status_code == 200 and not Subscription.objects.filter(pk=leaving.pk).exists()
    assert channel_counts(world.x, "e-mail") == [1, 1, 0, 0]  # January, February; gone from March
    assert channel_counts(world.x, "SMS") == [0, 1, 1, 1]
    assert by_commune(world.x, date(2026, 2, 1)) == [("Le Havre", 1)]
    assert by_commune(world.x, date(2026, 3, 1)) == [("Harfleur", 1), ("Le Havre", 1)]
    assert by_commune(world.x, date(2026, 4, 1)) == [("Harfleur", 1)]
    assert channel_counts(world.y, "e-mail") == [0, 0, 0, 0]
    # Counts only: no address, no identifier, nothing linking the confirmation to the departure
    assert {f.name for f in EndedSubscriptions._meta.fields} == {"id", "day", "territory", "channel", "confirmed", "ended"}
    assert {f.name for f in CommuneFollowerChange._meta.fields} == {"id", "day", "territory", "commune", "change"}
    assert list(EndedSubscriptions.objects.values_list("day", "channel", "confirmed", "ended")) == [
        (date(2026, 1, 15), "email", 1, 0), (date(2026, 3, 10), "email", 0, 1)]


def test_stop_by_sms_records_the_departure_in_every_territory(world, client, clock, communes, settings):
    settings.RELAY_INBOUND_SMS_TOKEN = "inbound-secret"
    subscriber(world.x, "sms", "+33612345678", paris(2026, 1, 20), [communes.le_havre])
    subscriber(world.y, "sms", "+33612345678", paris(2026, 2, 20), [communes.martigues])

    clock(2026, 3, 2, 18)
    response = client.get("/relais/sms/entrant", {"from": "0612345678", "text": "STOP", "token": "inbound-secret"})

    # Kannel sends nothing itself: the answer leaves through the outbox.
    answer = transactional.build(Delivery.objects.get(kind=MessageKind.SMS_ANSWER, address="+33612345678"))
    assert "desabonne" in answer and not Subscription.objects.exists()
    assert channel_counts(world.x, "SMS") == [1, 1, 0, 0]
    assert channel_counts(world.y, "SMS") == [0, 1, 0, 0]
    assert by_commune(world.x, date(2026, 3, 1)) == [("Le Havre", 1)]
    assert by_commune(world.y, date(2026, 3, 1)) == [("Martigues", 1)]
    assert by_commune(world.x, date(2026, 4, 1)) == [] and by_commune(world.y, date(2026, 4, 1)) == []


def test_a_departure_late_on_the_last_day_of_march_is_a_march_departure_in_paris(world, clock, communes):
    evening = subscriber(world.x, "email", "soir@example.test", paris(2026, 1, 5), [communes.le_havre])
    night = subscriber(world.x, "email", "nuit@example.test", paris(2026, 1, 5), [communes.harfleur])

    clock(2026, 3, 31, 23, 30)  # 21:30 UTC: March
    services.unsubscribe(evening)
    clock(2026, 4, 1, 0, 30)  # 22:30 UTC, still 31 March in UTC: April in Paris
    services.unsubscribe(night)

    assert channel_counts(world.x, "e-mail") == [2, 2, 1, 0]
    assert dict(EndedSubscriptions.objects.filter(ended__gt=0).values_list("day", "ended")) == {
        date(2026, 3, 31): 1, date(2026, 4, 1): 1}
    assert by_commune(world.x, date(2026, 3, 31)) == [("Harfleur", 1), ("Le Havre", 1)]
    assert by_commune(world.x, date(2026, 4, 1)) == [("Harfleur", 1)]
    assert by_commune(world.x, date(2026, 4, 2)) == []


def test_an_unconfirmed_subscription_purged_changes_nothing(world, communes, settings):
    settings.RELAY_UNCONFIRMED_DAYS = 3
    subscriber(world.x, "email", "reste@example.test", paris(2026, 1, 5), [communes.le_havre])
    never = Subscription.objects.create(territory=world.x, channel="email", address="jamais@example.test", manage_nonce="n")
    never.communes.set([communes.harfleur])
    Subscription.objects.filter(pk=never.pk).update(created_at=timezone.now() - timezone.timedelta(days=4))
    before = (channel_counts(world.x, "e-mail"), by_commune(world.x, date(2026, 5, 1)))

    assert services.purge_unconfirmed() == 1

    assert not Subscription.objects.filter(pk=never.pk).exists()
    assert not EndedSubscriptions.objects.exists() and not CommuneFollowerChange.objects.exists()
    assert (channel_counts(world.x, "e-mail"), by_commune(world.x, date(2026, 5, 1))) == before == (
        [1, 1, 1, 1], [("Le Havre", 1)])


def test_changing_communes_then_deleting_ones_data_on_the_manage_page(world, client, clock, communes):
    s = subscriber(world.x, "email", "change@example.test", paris(2026, 1, 10), [communes.le_havre])

    clock(2026, 2, 10, 12)
    services.update_preferences(s, [communes.harfleur, communes.epouville])
    clock(2026, 3, 10, 12)
    services.update_preferences(s, [communes.epouville])
    clock(2026, 4, 10, 12)
    url = f"/seine-estuaire/abonnement/gerer/{services.manage_token(s)}/"
    assert client.post(url, {"action": "unsubscribe"}).status_code == 302  # "delete my data"

    assert not Subscription.objects.exists()
    assert channel_counts(world.x, "e-mail") == [1, 1, 1, 0]
    assert by_commune(world.x, date(2026, 2, 1)) == [("Le Havre", 1)]
    assert by_commune(world.x, date(2026, 3, 1)) == [("Harfleur", 1), ("Épouville", 1)]
    assert by_commune(world.x, date(2026, 4, 1)) == [("Épouville", 1)]
    assert by_commune(world.x, date(2026, 5, 1)) == []


def test_a_commune_taken_up_later_counts_from_that_day_and_never_twice(world, clock, communes):
    s = subscriber(world.x, "email", "ajout@example.test", paris(2026, 1, 10), [communes.le_havre])
    clock(2026, 2, 10, 12)
    s.communes.add(communes.harfleur)
    s.communes.add(communes.harfleur)  # already there: nothing more
    s.communes.remove(communes.epouville)  # never followed: nothing either

    assert by_commune(world.x, date(2026, 2, 1)) == [("Le Havre", 1)]
    assert by_commune(world.x, date(2026, 3, 1)) == [("Harfleur", 1), ("Le Havre", 1)]
    assert channel_counts(world.x, "e-mail") == [1, 1, 1, 1]


def test_an_expired_browser_and_a_removed_webhook_are_departures(world, clock, communes, monkeypatch, settings):
    from relay.channels import push
    from relay.channels.base import PermanentError

    browser = subscriber(world.x, "push", "https://push.example.test/abc", paris(2026, 1, 12), [communes.le_havre])
    clock(2026, 1, 20, 10)
    webhook = services.create_webhook(world.x, "https://partenaire.example.test/hook", "Ville")  # the whole territory
    world.publish()  # the outbox writes the browser's delivery

    clock(2026, 3, 5, 8)
    settings.VAPID_PRIVATE_KEY = "configured"

    class GonePusher:  # the push service says the browser dropped its subscription
        def __init__(self, *args, **kwargs):
            pass

        def send(self, *args, **kwargs):
            return SimpleNamespace(status_code=410, reason="Gone")

    monkeypatch.setattr(push, "WebPusher", GonePusher)
    monkeypatch.setattr(push.WebPushChannel, "_vapid", lambda self, endpoint: {})
    with pytest.raises(PermanentError):
        push.WebPushChannel().notify(Delivery.objects.select_related("subscription").get(subscription=browser))
    send_pending()  # the sender deletes a subscription its channel says is gone
    clock(2026, 4, 2, 8)
    services.unsubscribe(webhook)  # what the console's "delete" button does

    assert not Subscription.objects.exists()
    assert channel_counts(world.x, "notification du navigateur") == [1, 1, 0, 0]
    assert channel_counts(world.x, "webhook (partenaires)") == [1, 1, 1, 0]
    assert by_commune(world.x, date(2026, 3, 1)) == [("Le Havre", 1), ("tout le territoire", 1)]
    assert by_commune(world.x, date(2026, 4, 1)) == [("tout le territoire", 1)]
    assert by_commune(world.x, date(2026, 5, 1)) == []


def test_deleting_twice_counts_once_and_deleting_a_territory_records_nothing(world, clock, communes):
    s = subscriber(world.x, "email", "deux@example.test", paris(2026, 1, 10), [communes.le_havre])
    stale = Subscription.objects.get(pk=s.pk)
    subscriber(world.y, "email", "berre@example.test", paris(2026, 1, 10), [communes.martigues])
    clock(2026, 2, 10, 12)

    services.unsubscribe(s)
    stale.delete()  # e.g. a second click, with the row already gone
    world.site_c.delete(), world.org_c.delete()  # a territory with nothing else in it
    Territory.objects.filter(pk=world.y.pk).delete()  # takes its subscriptions (and their statistics) with it

    connection.check_constraints()  # no statistics row left pointing at the deleted territory
    assert list(EndedSubscriptions.objects.values_list("territory", "ended")) == [(world.x.pk, 0), (world.x.pk, 1)]
    assert channel_counts(world.x, "e-mail") == [1, 0, 0, 0]


def test_the_figures_say_since_when_departures_are_known(world, monkeypatch):
    assert figures.departures_known_since() is not None  # when the table was created
    monkeypatch.setattr(figures, "departures_known_since", lambda: paris(2026, 2, 15, 10))

    [note] = dashboard.subscribers_over_time(world.x, SPRING).notes  # the end of January is earlier
    assert note == "Les départs ne sont comptés que depuis le 15 février 2026 : avant, des abonnés partis depuis peuvent manquer."
    assert dashboard.subscribers_by_commune(world.x, Period(date(2026, 1, 1), date(2026, 2, 1))).notes == [note]
    assert dashboard.subscribers_by_commune(world.x, SPRING).notes == []
    assert dashboard.subscribers_over_time(world.x, Period(date(2026, 3, 1), date(2026, 5, 1))).notes == []
