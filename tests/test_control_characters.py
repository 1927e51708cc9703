"""Control characters: refused (or silently dropped) at every input, harmless on every output.

A vertical tab in a site's name once made feed.atom and cap.xml answer 500 for the whole
territory, broke the TwiML of the phone menu and went raw into iCalendar and CSV. Text stored
before the inputs refused them ("legacy" rows, written here behind the forms' back) must still
give well-formed, valid outputs on every channel."""
import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import icalendar
import lxml.etree
import pytest
from django.utils import timezone

from notices.models import Kind, Notice, Revision
from relay import gsm
from relay.channels.sms import notice_text
from relay.messages import for_revision
from relay.models import Subscription
from relay.sender import send_pending
from relay.tests.conftest import confirmed, kannel, smtp  # noqa: F401 (fixtures)
from territories.models import Organization, Site, Territory
from voice.tests.conftest import voice  # noqa: F401 (fixture)

# C0 controls but tab, LF and CR; DEL; C1 controls.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
STRICT = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
CAP_NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def cap_schema():
    path = Path(__file__).resolve().parent.parent / "public" / "tests" / "schemas" / "CAP-v1.2.xsd"
    return lxml.etree.XMLSchema(lxml.etree.parse(str(path)))


@pytest.fixture
def legacy_names(world):
    """A territory, organization and site whose names hold control characters, stored before
    the forms refused them."""
    Territory.objects.filter(pk=world.x.pk).update(name="Seine\x0bEstuaire", coordinator_name="CCI\x01 Seine")
    Organization.objects.filter(pk=world.org_a.pk).update(name="Raffinerie\x1b Démo")
    Site.objects.filter(pk=world.site_a.pk).update(name="Raffinerie\x0bde\x01Gonfreville\x7f")
    world.site_a.refresh_from_db()
    world.x.refresh_from_db()
    return world


def make_dirty(notice):
    """Texts with control characters, as a notice stored before the services refused them (no
    NUL: PostgreSQL never stores one, so no row can hold it)."""
    dirty = {"title": "Torchage\x0bvisible\x01", "body": "Flamme\x0c visible.\nDeux\tlignes\x02.", "impact": "Aucune\x1f."}
    Notice.objects.filter(pk=notice.pk).update(**dirty)
    revision = notice.revisions.get(number=1)
    revision.snapshot.update(dirty)
    revision.change_note = "Note\x0b"
    revision.save()
    return notice


@pytest.fixture
def legacy(legacy_names):
    """An ongoing and a planned notice of that site, whose texts hold control characters too."""
    world, now = legacy_names, timezone.now()
    ongoing = world.publish(kind=Kind.OBSERVED, starts_at=now - timedelta(minutes=20), expected_end_at=now + timedelta(hours=2))
    planned = world.publish(starts_at=now + timedelta(hours=3), expected_end_at=now + timedelta(hours=5))
    return make_dirty(ongoing), make_dirty(planned)


def assert_clean(text):
    assert not FORBIDDEN.search(text), repr(FORBIDDEN.search(text).group(0))


def test_the_atom_feed_stays_well_formed(client, legacy):
    response = client.get("/seine-estuaire/feed.atom")
    assert response.status_code == 200
    feed = lxml.etree.fromstring(response.content, STRICT)
    assert_clean(response.content.decode())
    assert "Seine Estuaire" in feed.findtext("a:title", namespaces=ATOM_NS) or "SeineEstuaire" in feed.findtext("a:title", namespaces=ATOM_NS)
    titles = [t.text for t in feed.findall("a:entry/a:title", ATOM_NS)]
    assert len(titles) == 2 and all("Torchage" in t and "visible" in t for t in titles)


def test_cap_index_and_alerts_stay_well_formed_and_valid(client, legacy, cap_schema):
    response = client.get("/seine-estuaire/cap.xml")
    assert response.status_code == 200
    index = lxml.etree.fromstring(response.content, STRICT)
    assert_clean(response.content.decode())
    links = [link.get("href") for link in index.findall("a:entry/a:link", ATOM_NS)]
    assert len(links) == 2
    for link in links:
        alert_response = client.get(link.removeprefix("http://127.0.0.1:8000"))
        assert alert_response.status_code == 200
        alert = lxml.etree.fromstring(alert_response.content, STRICT)
        cap_schema.assertValid(alert)
        assert_clean(alert_response.content.decode())
        assert "Raffinerie" in alert.findtext("cap:info/cap:senderName", namespaces=CAP_NS)


def test_the_calendar_carries_no_control_character(client, legacy):
    response = client.get("/seine-estuaire/planned.ics")
    assert response.status_code == 200
    assert_clean(response.content.decode())
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert "Raffinerie" in str(event["LOCATION"]) and "Gonfreville" in str(event["LOCATION"])
    assert "Deux\tlignes" in str(event["DESCRIPTION"])  # tab and line breaks are kept


def test_the_csv_carries_no_control_character(client, legacy):
    response = client.get("/seine-estuaire/notices.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert_clean(text)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 2
    assert all("Gonfreville" in r["site"] for r in rows)
    assert all(r["body"].startswith("Flamme") and "\n" in r["body"] for r in rows)


def test_the_phone_menu_stays_well_formed_without_audio(client, legacy, voice):
    """Key 2 (planned operations) without generated audio: the provider speaks the text."""
    from voice.tests.simulator import Provider

    conversation = Provider(client).call("+33800007600", keys=["1", "2"])
    assert not conversation.played
    for document in conversation.documents:
        lxml.etree.fromstring(document, STRICT)
        assert_clean(document.decode())
    assert "Gonfreville" in conversation.heard


def test_email_and_sms_go_out_clean(legacy_names, smtp, kannel, settings):  # noqa: F811
    world = legacy_names
    settings.SMS_BACKEND = "kannel"
    communes = list(world.site_a.neighbouring_communes.all())
    confirmed(world.x, "email", "riveraine@example.test", communes)
    confirmed(world.x, "sms", "+33612345678", communes)
    make_dirty(world.publish(immediate=True))
    stats = send_pending()
    assert stats.failed == 0 and stats.sent == 2, stats
    assert len(smtp.inbox.messages) == 1
    for _recipients, message in smtp.inbox.messages:
        assert_clean(str(message["Subject"]))
        assert "Torchage" in str(message["Subject"])
        assert_clean(message.get_body(("plain",)).get_content())
        html = message.get_body(("html",)).get_content()
        assert_clean(html)
        assert "Gonfreville" in html
    assert len(kannel.received) == 1
    for sms in kannel.received:
        assert_clean(sms["text"]) and sms["text"] == gsm.to_gsm(sms["text"])
        assert "Torchage" in sms["text"]


def test_push_and_webhook_bodies_are_valid_json(world, legacy):
    from relay.channels.webhook import body_for
    from relay.models import Delivery

    subscription = confirmed(world.x, "webhook", "https://partner.example.test/hook", [])
    for notice in legacy:
        data = json.loads(body_for(Delivery(subscription=subscription, revision=notice.latest_revision)))["data"]
        assert "Torchage" in data["title"]
    text = notice_text(for_revision(Revision.objects.filter(notice=legacy[0]).get()))
    assert_clean(text)


# --- inputs ------------------------------------------------------------------------------------

INVISIBLE = "caractères invisibles non autorisés"


@pytest.mark.parametrize("name", ["Raffinerie\x0bnord", "Raffinerie\x01", "Raffinerie\x7fnord", "Raffinerie\x85nord"])
def test_the_console_refuses_a_site_name_with_a_control_character(client, world, name):
    from django.urls import reverse

    from console.tests.test_manage_permissions import site_data

    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:site_edit", args=[world.site_a.pk]), site_data(world.site_a, name=name))
    assert response.status_code == 200
    assert INVISIBLE in response.content.decode()
    world.site_a.refresh_from_db()
    assert world.site_a.name == "Raffinerie de Gonfreville"


def test_the_console_refuses_a_line_break_in_a_name_but_keeps_it_in_a_description(client, world):
    from django.urls import reverse

    from console.tests.test_manage_permissions import site_data

    client.force_login(world.coordinator_x)
    url = reverse("console:site_edit", args=[world.site_a.pk])
    response = client.post(url, site_data(world.site_a, name="Raffinerie\r\nnord"))
    assert "tient sur une seule ligne" in response.content.decode()
    response = client.post(url, site_data(world.site_a, description="Première ligne.\r\n\tSeconde ligne."))
    assert response.status_code == 302
    world.site_a.refresh_from_db()
    assert "\tSeconde ligne." in world.site_a.description


@pytest.mark.parametrize("model, field, value", [
    ("territories.Territory", "name", "Seine\x0bEstuaire"),
    ("territories.Territory", "coordinator_name", "CCI\x01 Seine"),
    ("territories.Territory", "presentation", "Texte\x01 caché"),
    ("territories.Territory", "siren_advice", "Abritez-vous\x1b maintenant"),
    ("territories.Organization", "name", "Raffinerie\x0cnord"),
    ("territories.Partner", "name", "Mairie\x0bdu Havre"),
    ("territories.Site", "description", "Usine\x08 moderne"),
    ("notices.Explainer", "title", "Torchage\x0bprolongé"),
    ("notices.Explainer", "body", "Une torche\x02 visible"),
    ("public.AccessibilityFeedback", "message", "Le bouton\x07 ne marche pas"),
    ("voice.VoiceSettings", "greeting", "Bonjour\x0bet bienvenue"),
])
def test_every_model_form_refuses_control_characters(model, field, value):
    """The console's and the Django admin's forms of these models run the model's validators (a
    form strips blanks, vertical tab included, at both ends: the characters are inside)."""
    from django.apps import apps
    from django.forms import modelform_factory

    form = modelform_factory(apps.get_model(model), fields=[field])(data={field: value})
    assert not form.is_valid()
    assert any(INVISIBLE in message for message in form.errors[field])


def test_api_token_and_webhook_labels_refuse_control_characters(client, world):
    from django.urls import reverse

    from api.models import ApiToken
    from relay.models import Subscription

    client.force_login(world.operator_a)
    response = client.post(reverse("console:token_create"), {"organization": world.org_a.pk, "name": "Supervision\x0bunité 3"})
    assert INVISIBLE in response.content.decode()
    assert not ApiToken.objects.exists()
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:relay_webhook_create"), {
        "territory": world.x.pk, "url": "https://partenaire.example.org/hook", "label": "Mairie\x01 du Havre"})
    assert INVISIBLE in response.content.decode()
    assert not Subscription.objects.exists()


def test_an_episode_explanation_with_a_control_character_is_refused(world):
    from django.core.exceptions import ValidationError

    from reports.models import Episode
    from reports.services import close_episode

    episode = Episode.objects.create(territory=world.x, opened_at=timezone.now(), last_report_at=timezone.now())
    with pytest.raises(ValidationError) as caught:
        close_episode(world.coordinator_x, episode, "Odeur de la station d'épuration\x0b.")
    assert INVISIBLE in " ".join(caught.value.message_dict["explanation"])
    episode.refresh_from_db()
    assert episode.status == "open"


@pytest.mark.parametrize("comment", ["Odeur\x85forte", "Odeur\uffffforte"])
def test_a_report_comment_with_c1_or_non_characters_is_refused(client, world, comment):
    from reports.models import Report

    response = client.post("/seine-estuaire/signaler/", {
        "kind": "odour", "intensity": "3", "descriptors": ["sulphur"], "when": "now", "latitude": "49.5000",
        "longitude": "0.2300", "comment": comment, "email": ""})
    assert response.status_code == 400
    assert "caractères invisibles" in response.content.decode()
    assert not Report.objects.exists()


# --- bidirectional controls in mail headers ----------------------------------------------------

RLO_NAME = "Seine \u202eeriautsE\u202c \u2066Havre\u2069"


def test_mail_headers_carry_no_bidirectional_control(world, smtp):  # noqa: F811
    """A right-to-left override in a subject or a list name makes a mail client show other words
    than those sent: headers lose them (texts keep them, shown as their author meant)."""
    from email import message_from_bytes, policy

    from relay.channels.email import build_email
    from riverains.text import BIDI_CONTROL

    Territory.objects.filter(pk=world.x.pk).update(name=RLO_NAME)
    subscription = confirmed(world.x, "email", "riveraine@example.test", list(world.site_a.neighbouring_communes.all()))
    notice = world.publish(title="Torchage \u202eeuqihcorT\u202c terminé")
    revision = Revision.objects.select_related("notice__territory").get(notice=notice)
    message = build_email(subscription, [for_revision(revision)])
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    for header in ("Subject", "List-Id"):
        assert not BIDI_CONTROL.search(str(parsed[header])), (header, str(parsed[header]))
    assert "Torchage euqihcorT terminé" in str(parsed["Subject"]) and "Seine eriautsE Havre" in str(parsed["Subject"])
    assert "Seine eriautsE Havre" in str(parsed["List-Id"])
    assert "\u202eeuqihcorT\u202c" in parsed.get_body(("plain",)).get_content()  # the text as typed


def test_the_confirmation_email_subject_carries_no_bidirectional_control(client, world, mailoutbox):
    from riverains.text import BIDI_CONTROL

    Territory.objects.filter(pk=world.x.pk).update(name=RLO_NAME)
    communes = [c.code for c in world.site_a.neighbouring_communes.all()]
    response = client.post("/seine-estuaire/abonnement/", {"channel": "email", "address": "riveraine@example.test",
                                                           "communes": communes, "digest": "immediate"})
    assert response.status_code == 302, response.content
    from relay.sender import send_pending

    send_pending()
    assert mailoutbox, "no confirmation e-mail"
    for message in mailoutbox:
        assert not BIDI_CONTROL.search(message.subject), message.subject
        assert "Seine eriautsE Havre" in message.subject
