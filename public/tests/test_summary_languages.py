"""The notice page in other languages (issue 16): the "Que dois-je faire ?" line first, a
language menu of plain links, and the structured summary in the chosen language beside the
operator's French text, with its own lang and dir."""
import re

import pytest

from notices import services

from .helpers import ongoing, text

LANGUAGES = ["en", "ar", "es", "pt", "tr"]


def summary_section(html, language):
    match = re.search(rf'<section class="summary" lang="{language}" dir="(\w+)"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no {language} summary"
    return match.group(1), match.group(2)


def test_what_to_do_comes_first_and_defaults_to_the_category(world, client):
    notice = ongoing(world, category="torchage", title="Torchage sur l'unité 3")
    html = text(client.get(notice.get_absolute_url()))
    todo = html.index("Que dois-je faire ?")
    assert "Rien : ce n&#x27;est pas une alerte." in html
    assert todo < html.index('class="facts"') < html.index('class="notice__text"')
    # …and on the territory page's card too.
    card = text(client.get(f"/{world.x.slug}/"))
    assert "Que dois-je faire ?" in card and "Rien : ce n&#x27;est pas une alerte." in card


def test_the_operator_may_write_its_own_line(world, client):
    notice = ongoing(world, what_to_do="Fermez fenêtres & volets pendant < 1 h si l'odeur vous gêne.")
    html = text(client.get(notice.get_absolute_url()))
    assert "Fermez fenêtres &amp; volets pendant &lt; 1 h si l&#x27;odeur vous gêne." in html


def test_the_menu_links_every_language_without_script(world, client):
    notice = ongoing(world)
    html = text(client.get(notice.get_absolute_url()))
    for code, name in [("en", "English"), ("ar", "العربية"), ("es", "Español"), ("pt", "Português"), ("tr", "Türkçe")]:
        assert f'<a href="?lang={code}#resume-{code}" hreflang="{code}" lang="{code}">{name}</a>' in html
    assert "le texte de l'exploitant reste en français" in html
    assert 'class="summary"' not in html  # no summary until one is chosen


@pytest.mark.parametrize(
    "language, direction, expected",
    [
        ("en", "ltr", ["What should I do?", "Nothing: this is not an alert.", "Flaring", "Start", "ongoing",
                       "The operator's detailed text stays in French."]),
        ("ar", "rtl", ["ماذا عليّ أن أفعل؟", "لا شيء: هذا ليس إنذارًا.", "حرق الغاز في الشعلة", "البداية", "جارٍ",
                       "يبقى النصّ المفصّل الذي كتبه المشغّل باللغة الفرنسية"]),
        ("es", "ltr", ["¿Qué debo hacer?", "Nada: no es una alerta.", "Quema en antorcha", "Inicio", "en curso",
                       "El texto detallado del operador sigue en francés."]),
        ("pt", "ltr", ["O que devo fazer?", "Nada: não é um alerta.", "Queima na tocha", "Início", "em curso",
                       "O texto detalhado do operador permanece em francês."]),
        ("tr", "ltr", ["Ne yapmalıyım?", "Hiçbir şey yapmanıza gerek yok: bu bir alarm değil.", "Fakelde gaz yakma",
                       "Başlangıç", "devam ediyor", "İşletmecinin ayrıntılı metni Fransızca kalır."]),
    ],
)
def test_each_language_summary_beside_the_french_text(world, client, language, direction, expected):
    notice = ongoing(world, category="torchage", title="Torchage & fumée < 1 h", body="Une flamme sera visible.")
    html = text(client.get(f"{notice.get_absolute_url()}?lang={language}"))
    found_direction, summary = summary_section(html, language)
    assert found_direction == direction
    for words in expected:
        assert words in summary, words
    # Names are never translated, and they are isolated (bdi) in a right-to-left text.
    assert '<bdi lang="fr">Raffinerie de Gonfreville</bdi>' in summary
    # The operator's words stay French, once, escaped, outside the summary.
    assert "Une flamme sera visible." in html and "Une flamme sera visible." not in summary
    assert "Torchage &amp; fumée &lt; 1 h" in html and "Torchage &amp;" not in summary
    assert f'aria-current="page">' in html


def test_names_typed_by_operators_are_escaped_in_every_summary(world, client):
    world.site_a.name = "Raffinerie <img src=x onerror=alert(1)>"
    world.site_a.save()
    notice = ongoing(world)
    for language in LANGUAGES:
        html = text(client.get(f"{notice.get_absolute_url()}?lang={language}"))
        _direction, summary = summary_section(html, language)
        assert "Raffinerie &lt;img src=x onerror=alert(1)&gt;" in summary
        assert "<img src=x" not in html


def test_a_line_the_operator_wrote_stays_french_in_the_summary(world, client):
    notice = ongoing(world, what_to_do="Évitez la rue des Chantiers jusqu'à 18 h.")
    html = text(client.get(f"{notice.get_absolute_url()}?lang=ar"))
    _direction, summary = summary_section(html, "ar")
    assert '<bdi lang="fr" dir="ltr">Évitez la rue des Chantiers jusqu&#x27;à 18 h.</bdi>' in summary


def test_an_unknown_language_shows_the_page_as_usual(world, client):
    notice = ongoing(world)
    response = client.get(f"{notice.get_absolute_url()}?lang=xx")
    assert response.status_code == 200 and 'class="summary"' not in text(response)


def test_the_summary_follows_the_notice_when_it_ends(world, client):
    notice = ongoing(world)
    services.end(world.operator_a, notice)
    html = text(client.get(f"{notice.get_absolute_url()}?lang=es"))
    _direction, summary = summary_section(html, "es")
    assert "terminado" in summary and "<dt>Fin</dt>" in summary


def test_arabic_lists_use_the_arabic_comma(world, client):
    notice = ongoing(world, perceptions=["visible", "audible"])
    _direction, summary = summary_section(text(client.get(f"{notice.get_absolute_url()}?lang=ar")), "ar")
    assert "مرئي، مسموع" in summary
    assert '<bdi lang="fr">Raffinerie de Gonfreville</bdi>، <bdi lang="fr">Gonfreville-l&#x27;Orcher</bdi>' in summary
