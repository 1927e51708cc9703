"""Injection corpus: hostile and odd text through every input, checked on every output.

Operators' fields (title, body, impact, change note) are plain text: the services refuse markup
and control characters with a French message and change nothing. What they accept — ampersands,
quotes, "< 5", entity-looking words, right-to-left overrides, zero-width characters, emoji,
combining marks, line breaks, 2,000 characters — must come back exactly as typed from each
output once parsed by a real parser (HTML, JSON, Atom, CAP, iCalendar, CSV, TwiML, e-mail,
webhook JSON), and must never add markup, a header, a calendar property or an SMS segment."""
import csv
import io
import json
import re
from datetime import timedelta
from email import message_from_bytes, policy

import icalendar
import lxml.etree
import lxml.html
import pytest
from django.utils import timezone

from api.models import ApiToken
from notices import services
from notices.models import Notice
from relay import gsm
from relay.channels.email import build_email
from relay.channels.sms import notice_text
from relay.channels.webhook import body_for
from relay.messages import for_revision
from relay.models import Delivery, Subscription
from reports.models import Report
from riverains.text import BIDI_CONTROL as BIDI

# Refused by the services: markup, XML declarations and entities, control characters, length.
REFUSED = {
    "script": '<script>alert("x")</script>',
    "img": "Fumée <img src=x onerror=alert(1)>",
    "closing tag": "Fin</title><title>faux",
    "entity declaration": '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>&xxe;',
    "cdata": "<![CDATA[ ]]><Hangup/>",
    "processing instruction": '<?xml version="1.0"?>',
    "nul": "Torchage\x00caché",
    "bell": "Sonnerie\x07",
    "escape sequence": "Couleur \x1b[31mrouge",
    "vertical tab": "Ligne\x0bsuivante",
}
# Accepted as plain text, and so to be escaped everywhere.
ACCEPTED_TITLES = {
    "html specials": 'Fumée & "vapeur" \'x\' > 5 < 10',
    "entity lookalikes": "&xxe; &amp; &#60;b&#62; ]]> %pe; {{ x }} {% if %}",
    "rtl override": "Torchage \u202eeuqihcorT\u202c terminé",
    "zero width": "Tor\u200bcha\u200dge\ufeff visible",
    "emoji": "Flamme 🔥 visible 🏭 👩‍👩‍👧",
    "combining marks": "Fume\u0301e Z\u0351\u0363a\u0336lgo e\u0308",
    "formula": '=HYPERLINK("http://evil.test","clic")',
}
# Line breaks are fine in a body (kept in HOSTILE_BODY below) but a title is one line.
CRLF_TITLE = "Torchage\r\nBcc: victime@example.com"
LONG_BODY = ("Une flamme sera visible 🔥 & « importante » > 5 m. " * 60)[:2000]
HOSTILE_BODY = "\r\n".join([*ACCEPTED_TITLES.values(), "Subject: faux\r\n\r\nX-Injected: oui", "END:VEVENT", "BEGIN:VEVENT"])


def one_line(text):
    return " ".join(text.split())


def squeezed(text):
    """Without any blank: paragraphs and <br> render without spaces between them."""
    return "".join(text.split())


def xml_text(text):
    """XML and HTML parsers read a raw CR LF as LF (end-of-line normalisation)."""
    return text.replace("\r\n", "\n")


@pytest.fixture
def token(world):
    return ApiToken.issue(world.org_a, "Supervision", world.operator_a)[1]


def api(client, method, url, data, token):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {token}")


def payload(world, **overrides):
    now = timezone.localtime()
    data = {"site": world.site_a.pk, "category": "torchage", "kind": "planned", "perceptions": ["visible"],
            "starts_at": (now + timedelta(hours=1)).isoformat(), "expected_end_at": (now + timedelta(hours=3)).isoformat(),
            "title": "Torchage", "body": "Une flamme sera visible."}
    data.update(overrides)
    return data


def assert_refused_in_french(response, field):
    assert response.status_code in (400, 422), response.content
    problem = response.json()
    assert field in problem["errors"], problem
    message = " ".join(problem["errors"][field])
    assert any(words in message for words in (
        "balises HTML", "caractères invisibles", "caractères au plus", "une seule ligne")), message


# --- refused input ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "body", "impact"])
@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_the_api_refuses_markup_and_control_characters_and_stores_nothing(client, world, token, field, text):
    response = api(client, "post", "/api/v1/notices", payload(world, **{field: text}), token)
    assert_refused_in_french(response, field)
    assert not Notice.objects.exists()


def test_a_title_with_a_line_break_is_refused(client, world, token):
    response = api(client, "post", "/api/v1/notices", payload(world, title=CRLF_TITLE), token)
    assert_refused_in_french(response, "title")
    assert not Notice.objects.exists()


@pytest.mark.parametrize("field, limit", [("title", 120), ("body", 2000), ("impact", 600)])
def test_over_long_text_is_refused_with_the_limit(client, world, token, field, limit):
    response = api(client, "post", "/api/v1/notices", payload(world, **{field: "é" * (limit + 1)}), token)
    assert_refused_in_french(response, field)
    assert f"{limit} caractères au plus" in response.json()["errors"][field][0]
    assert not Notice.objects.exists()


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_an_update_with_a_hostile_change_note_changes_nothing(client, world, token, text):
    notice = world.publish()
    before = (notice.title, notice.revisions.count(), notice.updated_at)
    response = api(client, "patch", f"/api/v1/notices/{notice.pk}", {"title": "Autre titre", "change_note": text}, token)
    assert_refused_in_french(response, "change_note")
    notice.refresh_from_db()
    assert (notice.title, notice.revisions.count(), notice.updated_at) == before


@pytest.mark.parametrize("text", [REFUSED["script"], REFUSED["nul"]], ids=["script", "nul"])
def test_the_console_service_refuses_the_same_text(world, text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.publish(world.operator_a, world.notice_fields(title=text))
    assert "title" in caught.value.message_dict
    assert not Notice.objects.exists()


# --- accepted text on every output -----------------------------------------------------------


@pytest.fixture(params=ACCEPTED_TITLES.keys())
def hostile(request, client, world, token):
    """A notice published through the API with an accepted but hostile title, body and impact,
    then updated with a hostile change note; ongoing, so it is on every output."""
    title = ACCEPTED_TITLES[request.param]
    now = timezone.localtime()
    data = payload(world, title=title, body=HOSTILE_BODY, impact=title, kind="observed",
                   starts_at=(now - timedelta(minutes=10)).isoformat())
    response = api(client, "post", "/api/v1/notices", data, token)
    assert response.status_code == 201, response.content
    notice = Notice.objects.get(pk=response.json()["id"])
    response = api(client, "patch", f"/api/v1/notices/{notice.pk}", {"body": HOSTILE_BODY, "change_note": title}, token)
    assert response.status_code == 200, response.content
    notice.refresh_from_db()
    return notice


def stored(text):
    """What the services keep: the text as typed, without surrounding blanks."""
    return text.strip()


def test_the_api_gives_the_text_back_exactly(client, hostile):
    data = client.get(f"/api/v1/notices/{hostile.pk}").json()
    assert data["title"] == hostile.title == stored(hostile.title)
    assert data["body"] == stored(HOSTILE_BODY)
    latest = max(data["revisions"], key=lambda r: r["number"])
    assert latest["change_note"] == stored(hostile.title)


def test_the_territory_and_notice_pages_escape_the_text(client, hostile):
    page = lxml.html.fromstring(client.get("/seine-estuaire/").content)
    [card] = page.cssselect(f"#en-cours #message-{hostile.pk}")
    assert card.cssselect(".notice__title a")[0].text_content() == xml_text(hostile.title)
    assert squeezed(card.cssselect(".notice__text")[0].text_content()).startswith(squeezed(HOSTILE_BODY))
    assert not page.cssselect("script:not([src])") and not page.cssselect("img[onerror]")

    page = lxml.html.fromstring(client.get(hostile.get_absolute_url()).content)
    assert page.cssselect("h1")[0].text_content() == xml_text(hostile.title)
    assert squeezed(HOSTILE_BODY) in squeezed(page.cssselect("main")[0].text_content())
    assert hostile.title.split()[0] in page.cssselect("title")[0].text_content()


def test_the_atom_feed_round_trips_the_text(client, hostile):
    feed = lxml.etree.fromstring(client.get("/seine-estuaire/feed.atom").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [t.text for t in feed.findall("a:entry/a:title", ns)]
    assert xml_text(hostile.title) in titles  # first version: the title alone
    assert f"{xml_text(hostile.title)} (mise à jour)" in titles
    # The summary is HTML carried as text: once un-escaped by the XML parser it is still escaped HTML.
    summary = feed.find("a:entry/a:summary", ns).text
    html = lxml.html.fromstring(summary)
    assert squeezed(HOSTILE_BODY) in squeezed(html.text_content())
    assert not html.cssselect("script, img")


def test_cap_alerts_round_trip_the_text(client, hostile):
    revision = hostile.latest_revision
    document = client.get(f"/seine-estuaire/cap/{hostile.pk}-{revision.number}.xml").content
    alert = lxml.etree.fromstring(document, lxml.etree.XMLParser(resolve_entities=False, no_network=True))
    ns = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
    assert alert.findtext("cap:info/cap:headline", namespaces=ns) == hostile.title  # CR written as &#13;
    description = alert.findtext("cap:info/cap:description", namespaces=ns)
    assert one_line(HOSTILE_BODY) in one_line(description)


def test_the_calendar_round_trips_the_text_without_adding_lines(client, world, token):
    for name, title in ACCEPTED_TITLES.items():
        response = api(client, "post", "/api/v1/notices", payload(world, title=title, body=HOSTILE_BODY), token)
        assert response.status_code == 201, (name, response.content)
    calendar = icalendar.Calendar.from_ical(client.get("/seine-estuaire/planned.ics").content)
    events = calendar.walk("VEVENT")
    assert len(events) == len(ACCEPTED_TITLES)
    assert sorted(str(e["SUMMARY"]) for e in events) == sorted(xml_text(t) for t in ACCEPTED_TITLES.values())
    for event in events:
        assert one_line(HOSTILE_BODY) in one_line(str(event["DESCRIPTION"]))
        assert "X-INJECTED" not in event and "BCC" not in event


# A single quote guards a formula character at the start of a cell, or after a separator or a
# line break inside it (where a spreadsheet splitting on ";" or ignoring quotes starts a cell).
GUARD = re.compile(r"(^|(?<=[,;\t\n]))'(?=[=+\-@])")


def test_the_csv_round_trips_the_text_and_guards_formulas(client, world, token):
    for title in ACCEPTED_TITLES.values():
        assert api(client, "post", "/api/v1/notices", payload(world, title=title, body=HOSTILE_BODY), token).status_code == 201
    content = client.get("/seine-estuaire/notices.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    titles = sorted(r["title"] for r in rows)
    expected = sorted(("'" + t) if t.startswith("=") else t for t in ACCEPTED_TITLES.values())
    assert titles == expected
    assert all(GUARD.sub("", r["body"]) == xml_text(HOSTILE_BODY) for r in rows)  # the guards aside, as typed
    # Read with the wrong separator or split at every line, no cell starts a formula either.
    for line in content.splitlines():
        for separator in (",", ";"):
            for cell in line.split(separator):
                assert not cell.strip('"').startswith(("=", "+", "-", "@")), cell


def test_the_phone_line_speaks_the_text_in_valid_twiml(client, settings, hostile):
    from voice.tests.simulator import Provider, TOKEN

    settings.VOICE_AUTH_TOKEN, settings.VOICE_CALLER_SALT, settings.PIPER_MODEL = TOKEN, "salt", ""
    conversation = Provider(client).call("+33800007600", keys=["1"])
    for document in conversation.documents:
        root = lxml.etree.fromstring(document, lxml.etree.XMLParser(resolve_entities=False, no_network=True))
        assert root.tag == "Response"
        assert {verb.tag for verb in root} <= {"Say", "Gather", "Redirect", "Play", "Pause", "Hangup"}
        assert not root.findall(".//Say/*"), "operator text became a TwiML verb"
    heard = one_line(conversation.heard)
    word = re.search(r"[A-Za-z]{4,}", hostile.title)
    assert word is None or word.group(0).lower() in heard.lower(), heard


def subscriber(world, channel, address):
    subscription = Subscription.objects.create(territory=world.x, channel=channel, address=address,
                                               confirmed_at=timezone.now(), manage_nonce="n0nce")
    subscription.communes.set(world.site_a.neighbouring_communes.all())
    return subscription


def test_the_email_has_no_injected_header_and_escapes_its_html(world, hostile):
    subscription = subscriber(world, "email", "riveraine@example.test")
    raw = build_email(subscription, [for_revision(hostile.latest_revision)]).message().as_bytes()
    message = message_from_bytes(raw, policy=policy.default)
    # The subject is one line, without the bidirectional controls that would disguise it.
    assert "\n" not in str(message["Subject"]) and one_line(BIDI.sub("", hostile.title)) in str(message["Subject"])
    assert not BIDI.search(str(message["Subject"]))
    assert message.get_all("Bcc") is None and message.get_all("X-Injected") is None
    assert message.get_all("To") == ["riveraine@example.test"]
    html = lxml.html.fromstring(message.get_body(("html",)).get_content())
    assert squeezed(hostile.title) in squeezed(html.text_content())
    assert squeezed(HOSTILE_BODY) in squeezed(html.text_content())
    assert not html.cssselect("script, img")
    text = message.get_body(("plain",)).get_content()
    assert hostile.title.split()[0] in text


def test_the_sms_stays_one_gsm7_message(world, hostile):
    text = notice_text(for_revision(hostile.latest_revision))
    assert text == gsm.to_gsm(text) and gsm.length(text) <= 160
    assert f"/seine-estuaire/messages/{hostile.pk}/" in text


def test_the_webhook_json_round_trips_the_text(world, hostile):
    subscription = subscriber(world, "webhook", "https://partner.example.test/hook")
    body = body_for(Delivery(subscription=subscription, revision=hostile.latest_revision))
    data = json.loads(body)["data"]
    assert data["title"] == hostile.title and data["body"] == stored(HOSTILE_BODY)


# --- residents' input ------------------------------------------------------------------------


GONFREVILLE = {"latitude": "49.5000", "longitude": "0.2300"}


def report(client, **fields):
    data = {"kind": "odour", "intensity": "3", "descriptors": ["sulphur"], "when": "now", **GONFREVILLE,
            "comment": "", "email": "", **fields}
    return client.post("/seine-estuaire/signaler/", data)


@pytest.mark.parametrize("email", [
    "riverain@example.test\r\nBcc: victime@example.test",
    "<script>@example.test",
    "riverain\x00@example.test",
    "a" * 250 + "@example.test",
    "riverain@exa mple.test",
])
def test_a_hostile_reporter_email_gets_a_french_message_and_stores_nothing(client, world, email):
    response = report(client, email=email, comment='<script>alert("x")</script> \u202e')
    assert response.status_code == 400
    page = lxml.html.fromstring(response.content)
    assert "adresse e-mail n'est pas valide" in page.text_content()
    assert not Report.objects.exists()
    # The comment typed is given back escaped in its text area, not as markup.
    assert page.cssselect("textarea[name=comment]")[0].text == '<script>alert("x")</script> \u202e'
    assert not page.cssselect("script:not([src])")


@pytest.mark.parametrize("comment", ["Odeur\x00forte", "Bip\x07", "Couleur \x1b[31m"])
def test_control_characters_in_a_report_comment_are_refused_in_french(client, world, comment):
    response = report(client, comment=comment)
    assert response.status_code == 400
    assert "caractères invisibles" in lxml.html.fromstring(response.content).text_content()
    assert not Report.objects.exists()


def test_an_odd_but_harmless_comment_is_kept_as_typed(client, world):
    comment = 'Odeur "forte" & <b>piquante</b> 🤢 \u202eesrever\u202c e\u0301'
    response = report(client, comment=comment)
    assert response.status_code == 302
    assert Report.objects.get().comment == comment


@pytest.mark.parametrize("address", [
    "riverain@example.test\r\nBcc: victime@example.test",
    "<script>alert(1)</script>@example.test",
    "riverain\x00@example.test",
    "a" * 260 + "@example.test",
    "=HYPERLINK(\"http://evil.test\")",
])
def test_a_hostile_subscription_address_gets_a_french_message_and_stores_nothing(client, world, address):
    communes = [c.code for c in world.site_a.neighbouring_communes.all()]
    response = client.post("/seine-estuaire/abonnement/", {"channel": "email", "address": address, "communes": communes,
                                                           "digest": "immediate"})
    assert response.status_code == 400
    page = lxml.html.fromstring(response.content)
    errors = one_line(" ".join(e.text_content() for e in page.cssselect(".errorlist, .form-error, [role=alert], .errors")))
    assert errors and any(w in errors for w in ("adresse", "caractère", "valide", "Saisissez")), errors
    assert not Subscription.objects.exists()
    assert not page.cssselect("script:not([src])")
