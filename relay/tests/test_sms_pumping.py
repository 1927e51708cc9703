"""SMS pumping: confirmation codes sent to numbers that pay whoever runs them.

Only numbers of the countries a territory serves may subscribe by SMS, and at most a number of
confirmation SMS leave per territory and hour; past it SMS subscriptions are refused (e-mail
keeps working), the coordinators get one e-mail per hour, and the console shows the count."""
import re

import pytest
from django.core import mail

from relay.models import Delivery, Subscription
from relay.sender import send_pending
from riverains.ratelimit.models import Counter

SUBSCRIBE = "/seine-estuaire/abonnement/"


def form(channel="sms", address="06 12 34 56 78", **overrides):
    return {"channel": channel, "address": address, "communes": ["76351"], "digest": "immediate", "website": "",
            "quiet_hours": "on", **overrides}


def subscribe(client, capture, **data):
    """Post the form as a resident, then let the relay send what was queued."""
    with capture(execute=True):
        response = client.post(SUBSCRIBE, form(**data))
    send_pending()
    return response


def sms_sent(kannel):
    return [m["to"] for m in kannel.received]


@pytest.mark.parametrize("number", ["+44 7700 900123", "+882 1234 567 890", "+234 803 123 4567", "0044 7700 900123"])
def test_numbers_of_countries_the_territory_does_not_serve_are_refused(world, client, kannel,
                                                                        django_capture_on_commit_callbacks, number):
    response = subscribe(client, django_capture_on_commit_callbacks, address=number)
    assert response.status_code == 400
    page = response.content.decode()
    assert "ne sont envoyés qu&#x27;aux numéros de certains pays" in page
    assert "+33, +262" in page and "Abonnez-vous par e-mail" in page
    assert not Subscription.objects.exists()
    assert sms_sent(kannel) == []


@pytest.mark.parametrize("number, e164", [("+32 470 12 34 56", "+32470123456"), ("0041 79 123 45 67", "+41791234567"),
                                          ("+262 692 12 34 56", "+262692123456"), ("06 12 34 56 78", "+33612345678")])
def test_french_overseas_and_neighbouring_numbers_subscribe(world, client, kannel, django_capture_on_commit_callbacks,
                                                            number, e164):
    response = subscribe(client, django_capture_on_commit_callbacks, address=number)
    assert response.status_code == 302
    assert sms_sent(kannel) == [e164]


def test_the_coordinator_chooses_the_countries(world, client, kannel, django_capture_on_commit_callbacks):
    client.force_login(world.coordinator_x)
    response = client.post("/console/gestion/territoires/seine-estuaire/sms/",
                           {"sms-sms_countries": "33, 0044 +33", "sms-sms_confirmations_per_hour": "50"})
    assert response.status_code == 302
    world.x.refresh_from_db()
    assert world.x.sms_countries == "+33 +44"
    client.logout()

    assert subscribe(client, django_capture_on_commit_callbacks, address="+44 7700 900123").status_code == 302
    assert subscribe(client, django_capture_on_commit_callbacks, address="+32 470 12 34 56").status_code == 400
    assert sms_sent(kannel) == ["+447700900123"]


def test_bad_country_codes_get_a_french_message_and_change_nothing(world, client):
    client.force_login(world.coordinator_x)
    response = client.post("/console/gestion/territoires/seine-estuaire/sms/",
                           {"sms-sms_countries": "+33 France", "sms-sms_confirmations_per_hour": "-3"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Indicatif non reconnu : +France" in page
    assert "supérieure ou égale à 0" in page
    world.x.refresh_from_db()
    assert world.x.sms_countries.startswith("+33 +262") and world.x.sms_confirmations_per_hour == 50


def test_only_the_territorys_coordinators_change_its_sms_settings(world, client):
    client.force_login(world.coordinator_y)
    response = client.post("/console/gestion/territoires/seine-estuaire/sms/",
                           {"sms-sms_countries": "+44", "sms-sms_confirmations_per_hour": "5000"})
    assert response.status_code == 404
    world.x.refresh_from_db()
    assert "+44" not in world.x.sms_countries


def test_the_hourly_cap_holds_email_keeps_working_and_the_coordinator_is_told_once(
        world, client, kannel, django_capture_on_commit_callbacks):
    world.x.sms_confirmations_per_hour = 3
    world.x.save()
    numbers = [f"06 12 34 56 {n:02d}" for n in range(8)]
    statuses = [subscribe(client, django_capture_on_commit_callbacks, address=n).status_code for n in numbers]
    assert statuses == [302] * 3 + [400] * 5
    assert sms_sent(kannel) == ["+336123456" + f"{n:02d}" for n in range(3)]

    refused = subscribe(client, django_capture_on_commit_callbacks, address="06 98 76 54 32")
    assert "Trop de demandes d&#x27;abonnement par SMS sur ce territoire" in refused.content.decode()
    assert "Abonnez-vous par e-mail" in refused.content.decode()
    assert not Subscription.objects.filter(address="+33698765432").exists()

    # E-mail keeps working.
    assert subscribe(client, django_capture_on_commit_callbacks, channel="email", address="riveraine@example.test").status_code == 302
    assert Subscription.objects.filter(channel="email").count() == 1

    # One e-mail to the coordinator for the six refusals of this hour.
    alerts = [m for m in mail.outbox if "Plafond de SMS de confirmation atteint" in m.subject]
    assert len(alerts) == 1
    assert alerts[0].to == ["coordinator_x@example.test"]
    assert Delivery.objects.filter(kind="staff_alert", status="sent").count() == 1  # through the outbox
    assert "plafond de 3 SMS de confirmation par heure est atteint pour Seine-Estuaire" in alerts[0].body
    assert "/console/gestion/territoires/seine-estuaire/" in alerts[0].body

    # The console shows the count.
    client.force_login(world.coordinator_x)
    page = client.get("/console/gestion/territoires/seine-estuaire/").content.decode()
    assert "envoyés dans l'heure en cours : 3 sur 3 au plus" in page
    assert re.search(r"Plafond atteint : 6 abonnements par SMS refusés", page)
    client.logout()

    # An hour later (the windows ended), a new refusal tells the coordinator again.
    Counter.objects.update(expires=0)
    world.x.sms_confirmations_per_hour = 0
    world.x.save()
    assert subscribe(client, django_capture_on_commit_callbacks, address="06 11 11 11 11").status_code == 400
    assert len([m for m in mail.outbox if "Plafond de SMS" in m.subject]) == 2


def test_refused_subscriptions_leave_the_cap_to_the_next_residents(world, client, kannel, settings,
                                                                   django_capture_on_commit_callbacks):
    """A number of another country, or one over its own daily limit, takes nothing from the cap."""
    settings.RELAY_CONFIRMATIONS_PER_DAY = 1
    world.x.sms_confirmations_per_hour = 2
    world.x.save()
    assert subscribe(client, django_capture_on_commit_callbacks, address="+44 7700 900123").status_code == 400
    statuses = [subscribe(client, django_capture_on_commit_callbacks, address="06 12 34 56 78").status_code for _ in range(4)]
    assert statuses == [302, 400, 400, 400]
    assert subscribe(client, django_capture_on_commit_callbacks, address="06 22 22 22 22").status_code == 302
    assert subscribe(client, django_capture_on_commit_callbacks, address="06 33 33 33 33").status_code == 400
    assert sms_sent(kannel) == ["+33612345678", "+33622222222"]
