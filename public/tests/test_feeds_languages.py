"""CAP and Atom in several languages (issue 16): one CAP <info> per language, valid against the
OASIS CAP 1.2 schema, "Que dois-je faire ?" as <instruction> and first in the Atom entry."""
from lxml import etree

from notices.models import Category, Notice

from .test_feeds import ATOM, CAP, cap_alert, cap_schema, ongoing, xml  # noqa: F401 (cap_schema: a fixture)

LANGUAGES = ["fr-FR", "en", "ar", "es", "pt", "tr"]


def infos(alert):
    return {info.findtext(f"{CAP}language"): info for info in alert.findall(f"{CAP}info")}


def test_cap_has_one_valid_info_block_per_language(client, world, cap_schema):
    notice = world.publish(category=Category.SIREN_TEST, perceptions=["audible"], title="Essai de la sirène du site")
    alert = xml(cap_alert(client, notice, 1))
    cap_schema.assertValid(alert)
    blocks = infos(alert)
    assert list(blocks) == LANGUAGES
    french, arabic, turkish = blocks["fr-FR"], blocks["ar"], blocks["tr"]
    assert french.findtext(f"{CAP}instruction") == (
        "Rien : c'est un essai. Si la sirène sonne à un autre moment, mettez-vous à l'abri.")
    assert arabic.findtext(f"{CAP}event") == "تجربة صفّارة الإنذار"
    assert arabic.findtext(f"{CAP}instruction").startswith("لا شيء: هذه تجربة.")
    assert arabic.findtext(f"{CAP}description").startswith("ماذا عليّ أن أفعل؟")
    assert turkish.findtext(f"{CAP}headline") == "Siren testi — Raffinerie de Gonfreville, Gonfreville-l'Orcher"
    assert blocks["en"].findtext(f"{CAP}web") == blocks["fr-FR"].findtext(f"{CAP}web") + "?lang=en"
    # Every block keeps the same facts: times, area, severity.
    for info in blocks.values():
        assert info.findtext(f"{CAP}severity") == "Minor"
        assert info.findtext(f"{CAP}onset") == french.findtext(f"{CAP}onset")
        assert info.find(f"{CAP}area").findtext(f"{CAP}areaDesc") == "Gonfreville-l'Orcher, Harfleur, Le Havre"
    # The operator's words are only in the French block.
    assert "Essai de la sirène du site" not in etree.tostring(arabic, encoding="unicode")


def test_cap_languages_escape_names_and_stay_valid(client, world, cap_schema):
    world.site_a.name = 'Site & "usine" <b'
    world.site_a.save()
    notice = ongoing(world, what_to_do="Fermez vos fenêtres & volets (< 1 h).")
    alert = xml(cap_alert(client, notice, 1))
    cap_schema.assertValid(alert)
    blocks = infos(alert)
    assert blocks["fr-FR"].findtext(f"{CAP}instruction") == "Fermez vos fenêtres & volets (< 1 h)."
    # The operator's own line is never translated: each language carries it as written.
    assert blocks["es"].findtext(f"{CAP}instruction") == "Fermez vos fenêtres & volets (< 1 h)."
    assert 'Site & "usine" <b' in blocks["pt"].findtext(f"{CAP}headline")


def test_an_old_revision_without_the_line_gets_its_categorys(client, world, cap_schema):
    notice = ongoing(world, category=Category.FLARING)
    revision = notice.revisions.get()
    del revision.snapshot["what_to_do"]
    revision.save()
    Notice.objects.filter(pk=notice.pk).update(what_to_do="")
    alert = xml(cap_alert(client, notice, 1))
    cap_schema.assertValid(alert)
    assert infos(alert)["fr-FR"].findtext(f"{CAP}instruction") == "Rien : ce n'est pas une alerte."
    assert infos(alert)["en"].findtext(f"{CAP}instruction") == "Nothing: this is not an alert."


def test_atom_entry_says_what_to_do_first_and_carries_the_summaries(client, world):
    ongoing(world, category=Category.ODOUR, perceptions=["olfactory"])
    feed = xml(client.get("/seine-estuaire/feed.atom"))
    summary = feed.find(f"{ATOM}entry").findtext(f"{ATOM}summary")
    assert summary.startswith("<p>Que dois-je faire ? Rien : ce n&#x27;est pas une alerte. Si l&#x27;odeur vous gêne")
    html = etree.fromstring(f"<div>{summary}</div>")
    languages = {div.get("lang"): div for div in html.findall("div")}
    assert set(languages) == {"en", "ar", "es", "pt", "tr"}
    assert languages["ar"].get("dir") == "rtl"
    assert "Olor" in "".join(languages["es"].itertext())


def test_the_calendar_event_says_what_to_do_first(client, world):
    from datetime import timedelta

    import icalendar
    from django.utils import timezone

    notice = world.publish(category=Category.DRILL, starts_at=timezone.now() + timedelta(hours=2))
    calendar = icalendar.Calendar.from_ical(client.get("/seine-estuaire/planned.ics").content)
    [event] = calendar.walk("VEVENT")
    assert str(event["description"]).startswith("Que dois-je faire ? Rien : c'est un exercice, pas une alerte.\n\n")
    assert notice.body in str(event["description"])


def test_the_partners_widget_says_what_to_do_escaped(client, world):
    from datetime import timedelta

    from django.utils import timezone

    world.publish(kind="observed", starts_at=timezone.now() - timedelta(minutes=10),
                  what_to_do="Fermez fenêtres & volets (< 1 h).")
    page = client.get("/relais/widget/seine-estuaire/?communes=76351").content.decode()
    assert '<p class="rw-todo"><strong>Que dois-je faire ?</strong> Fermez fenêtres &amp; volets (&lt; 1 h).</p>' in page


def test_open_data_csv_ends_with_what_to_do(client, world):
    import csv
    import io

    world.publish(category=Category.DRILL, what_to_do="=Fermez les fenêtres.")
    world.publish(title="Deuxième")
    rows = list(csv.DictReader(io.StringIO(client.get("/seine-estuaire/notices.csv").content.decode("utf-8-sig"))))
    assert list(rows[0])[-1] == "what_to_do"
    assert {row["what_to_do"] for row in rows} == {"'=Fermez les fenêtres.", "Rien : ce n'est pas une alerte."}
