"""Atom, CAP 1.2, iCalendar and CSV: valid, escaped, right times, cached with ETag."""
import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone
from lxml import etree

from notices import services
from notices.models import Category, Kind, Notice
from territories.models import Territory

ATOM = "{http://www.w3.org/2005/Atom}"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
NASTY = 'Fumée & "vapeur" <b'


@pytest.fixture(scope="module")
def cap_schema():
    return etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas" / "CAP-v1.2.xsd")))


def ongoing(world, **fields):
    now = timezone.now()
    fields.setdefault("starts_at", now - timedelta(minutes=30))
    fields.setdefault("expected_end_at", now + timedelta(hours=2))
    return world.publish(kind=Kind.OBSERVED, **fields)


def nasty(notice):
    """Text the services would refuse, written behind their back to prove the feeds escape it."""
    Notice.objects.filter(pk=notice.pk).update(title=NASTY, body=NASTY, impact=NASTY)
    revision = notice.revisions.get(number=1)
    revision.snapshot.update(title=NASTY, body=NASTY, impact=NASTY)
    revision.save()


def xml(response):
    assert response.status_code == 200, response.content
    return etree.fromstring(response.content)


def cap_alert(client, notice, number):
    return client.get(f"/seine-estuaire/cap/{notice.pk}-{number}.xml")


# --- Atom -----------------------------------------------------------------------------------


def test_atom_has_one_entry_per_revision_with_escaped_text(client, world):
    notice = ongoing(world)
    services.update(world.operator_a, notice, {"expected_end_at": timezone.now() + timedelta(hours=5)}, "Prolongé")
    nasty(notice)
    ongoing(world, site=world.site_c, title="Ailleurs")

    response = client.get("/seine-estuaire/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = xml(response)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[1] == NASTY
    assert titles[0].startswith("Torchage") and titles[0].endswith("(mise à jour)")
    first = entries[1]
    summary = first.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # Once the XML is read, the summary is HTML in which the operator's text is still escaped.
    assert "Fumée &amp; &quot;vapeur&quot; &lt;b" in summary.text
    assert "<b" not in summary.text
    assert first.find(f"{ATOM}link").get("href") == f"http://127.0.0.1:8000/seine-estuaire/messages/{notice.pk}/"
    assert entries[0].findtext(f"{ATOM}id") != entries[1].findtext(f"{ATOM}id")


def test_feeds_of_an_unknown_or_unpublished_territory_are_404(client, world):
    Territory.objects.filter(pk=world.y.pk).update(is_published=False)
    for name in ["feed.atom", "cap.xml", "planned.ics", "notices.csv"]:
        assert client.get(f"/etang-de-berre/{name}").status_code == 404
        assert client.get(f"/nulle-part/{name}").status_code == 404


def test_drafts_appear_in_no_feed(client, world):
    services.save_draft(world.operator_a, world.notice_fields(title="Brouillon secret"))
    for name in ["feed.atom", "cap.xml", "planned.ics", "notices.csv"]:
        assert "Brouillon secret" not in client.get(f"/seine-estuaire/{name}").content.decode()


@pytest.mark.parametrize("name", ["feed.atom", "cap.xml", "planned.ics", "notices.csv"])
def test_feeds_answer_304_then_change_at_once_after_a_publish(client, world, name):
    ongoing(world, title="Premier")
    first = client.get(f"/seine-estuaire/{name}")
    etag = first["ETag"]
    assert "s-maxage" in first["Cache-Control"]
    assert client.get(f"/seine-estuaire/{name}", HTTP_IF_NONE_MATCH=etag).status_code == 304
    world.publish(title="Second opération")
    fresh = client.get(f"/seine-estuaire/{name}", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert "Second opération" in fresh.content.decode() or name == "cap.xml"
    assert fresh.content != first.content


# --- CAP ------------------------------------------------------------------------------------


def test_cap_first_revision_is_a_valid_alert(client, world, cap_schema):
    notice = world.publish(category=Category.DRILL, perceptions=["audible"])
    nasty(notice)
    alert = xml(cap_alert(client, notice, 1))
    cap_schema.assertValid(alert)
    assert alert.findtext(f"{CAP}status") == "Actual"
    assert alert.findtext(f"{CAP}msgType") == "Alert"
    assert alert.findtext(f"{CAP}scope") == "Public"
    assert alert.find(f"{CAP}references") is None
    info = alert.find(f"{CAP}info")
    assert info.findtext(f"{CAP}category") == "Safety"
    assert info.findtext(f"{CAP}event") == "Exercice"
    assert (info.findtext(f"{CAP}urgency"), info.findtext(f"{CAP}certainty")) == ("Future", "Likely")
    assert info.findtext(f"{CAP}severity") == "Minor"
    assert info.findtext(f"{CAP}responseType") == "None"
    assert info.findtext(f"{CAP}headline") == NASTY
    assert NASTY in info.findtext(f"{CAP}description")
    assert datetime.fromisoformat(info.findtext(f"{CAP}onset")) == notice.starts_at.replace(microsecond=0)
    area = info.find(f"{CAP}area")
    assert area.findtext(f"{CAP}circle") == "49.48700,0.23500 5"
    assert [g.findtext(f"{CAP}value") for g in area.findall(f"{CAP}geocode")] == ["76305", "76341", "76351"]
    assert area.findtext(f"{CAP}areaDesc") == "Gonfreville-l'Orcher, Harfleur, Le Havre"


def test_cap_update_references_every_earlier_message(client, world, cap_schema):
    notice = ongoing(world)
    services.update(world.operator_a, notice, {"title": "Torchage plus long"}, "Prolongé")
    services.end(world.operator_a, notice)
    first, second = xml(cap_alert(client, notice, 1)), xml(cap_alert(client, notice, 2))
    third = xml(cap_alert(client, notice, 3))
    for alert in (first, second, third):
        cap_schema.assertValid(alert)
    assert third.findtext(f"{CAP}msgType") == "Update"
    expected = " ".join(
        f"{a.findtext(f'{CAP}sender')},{a.findtext(f'{CAP}identifier')},{a.findtext(f'{CAP}sent')}" for a in (first, second)
    )
    assert third.findtext(f"{CAP}references") == expected
    info = third.find(f"{CAP}info")
    assert (info.findtext(f"{CAP}category"), info.findtext(f"{CAP}certainty")) == ("Env", "Observed")
    assert info.findtext(f"{CAP}urgency") == "Unknown"
    notice.refresh_from_db()
    assert datetime.fromisoformat(info.findtext(f"{CAP}expires")) == notice.ended_at.replace(microsecond=0)


def test_cap_cancellation_is_a_cancel_message(client, world, cap_schema):
    notice = world.publish()
    services.cancel(world.operator_a, notice, reason="Reporté à lundi")
    alert = xml(cap_alert(client, notice, 2))
    cap_schema.assertValid(alert)
    assert alert.findtext(f"{CAP}msgType") == "Cancel"
    assert alert.findtext(f"{CAP}note") == "Reporté à lundi"
    assert alert.findtext(f"{CAP}references").count(",") == 2


def test_cap_index_links_the_latest_message_of_each_notice(client, world):
    notice = ongoing(world)
    services.update(world.operator_a, notice, {"title": "Torchage plus long"}, "Prolongé")
    other = world.publish()
    index = xml(client.get("/seine-estuaire/cap.xml"))
    links = sorted(e.find(f"{ATOM}link").get("href") for e in index.findall(f"{ATOM}entry"))
    assert links == sorted([
        f"http://127.0.0.1:8000/seine-estuaire/cap/{notice.pk}-2.xml",
        f"http://127.0.0.1:8000/seine-estuaire/cap/{other.pk}-1.xml",
    ])


def test_cap_message_of_another_territory_or_unknown_revision_is_404(client, world):
    notice = ongoing(world, site=world.site_c)
    assert client.get(f"/seine-estuaire/cap/{notice.pk}-1.xml").status_code == 404
    assert client.get(f"/etang-de-berre/cap/{notice.pk}-9.xml").status_code == 404
    assert client.get(f"/etang-de-berre/cap/{notice.pk}-1.xml").status_code == 200


# --- iCalendar ------------------------------------------------------------------------------


def test_ics_lists_planned_operations_with_utc_times_and_sequence(client, world):
    now = timezone.now()
    planned = world.publish(title="Essai de sirène", starts_at=now + timedelta(days=2), expected_end_at=now + timedelta(days=2, hours=1))
    services.update(world.operator_a, planned, {"title": "Essai de sirène mensuel"}, "Précision")
    cancelled = world.publish(title="Exercice annulé")
    services.cancel(world.operator_a, cancelled, reason="Reporté")
    ongoing(world, title="Odeur constatée")  # observed: not on the calendar

    response = client.get("/seine-estuaire/planned.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Essai de sirène mensuel", "Exercice annulé"}
    event = events["Essai de sirène mensuel"]
    assert event.decoded("dtstart") == planned.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") == planned.expected_end_at.replace(microsecond=0)
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert int(event["sequence"]) == 2
    assert str(event["uid"]) == f"notice-{planned.pk}@127.0.0.1"
    assert str(event["url"]).endswith(f"/seine-estuaire/messages/{planned.pk}/")
    assert str(events["Exercice annulé"]["status"]) == "CANCELLED"
    assert str(event["status"]) == "CONFIRMED"


def test_ics_keeps_the_uid_when_a_notice_changes(client, world):
    planned = world.publish()
    uid = str(icalendar.Calendar.from_ical(client.get("/seine-estuaire/planned.ics").content).walk("VEVENT")[0]["uid"])
    services.update(world.operator_a, planned, {"title": "Nouveau titre"}, "Précision")
    event = icalendar.Calendar.from_ical(client.get("/seine-estuaire/planned.ics").content).walk("VEVENT")[0]
    assert (str(event["uid"]), int(event["sequence"]), str(event["summary"])) == (uid, 2, "Nouveau titre")


# --- CSV ------------------------------------------------------------------------------------


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_one_row_per_revision(client, world):
    notice = ongoing(world)
    services.update(world.operator_a, notice, {"title": "Torchage plus long"}, "Prolongé")
    services.end(world.operator_a, notice)
    world.publish(title="Autre")
    ongoing(world, site=world.site_c, title="Ailleurs")
    rows = read_csv(client.get("/seine-estuaire/notices.csv"))
    assert [(int(r["notice_id"]), int(r["revision"]), r["action"]) for r in rows][:3] == [
        (notice.pk, 1, "published"), (notice.pk, 2, "updated"), (notice.pk, 3, "ended"),
    ]
    assert len(rows) == 4
    assert rows[1]["title"] == "Torchage plus long" and rows[1]["change_note"] == "Prolongé"
    assert rows[0]["communes"] == "76305|76341|76351"
    assert rows[0]["category_label"] == "Torchage"
    assert datetime.fromisoformat(rows[0]["starts_at"]) == notice.starts_at
    assert rows[0]["starts_at"][-6:] in ("+01:00", "+02:00")
    assert "Ailleurs" not in {r["title"] for r in rows}


def test_csv_neutralises_formulas_and_keeps_quotes(client, world):
    notice = ongoing(world)
    Notice.objects.filter(pk=notice.pk).update(title="=HYPERLINK(\"http://x\")")
    revision = notice.revisions.get()
    revision.snapshot.update(title='=HYPERLINK("http://x")', body="+33 6 00 00 00 00", impact="@SUM(A1)", )
    revision.change_note = "-2 degrés"
    revision.save()
    row = read_csv(client.get("/seine-estuaire/notices.csv"))[0]
    assert row["title"] == "'=HYPERLINK(\"http://x\")"
    assert row["body"] == "'+33 6 00 00 00 00"
    assert row["impact"] == "'@SUM(A1)"
    assert row["change_note"] == "'-2 degrés"
