"""A notice's summary in other languages, in a real browser (issue 16): the language menu works
without script, Arabic is laid out right to left, and axe-core finds no violation in any
language."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LANGUAGES = [("en", "English", "Summary"), ("ar", "العربية", "ملخّص"), ("es", "Español", "Resumen"),
             ("pt", "Português", "Resumo"), ("tr", "Türkçe", "Özet")]


@pytest.fixture
def notice(transactional_db, world):
    now = timezone.now()
    return world.publish(starts_at=now - timedelta(minutes=20), expected_end_at=now + timedelta(hours=3),
                         title="Torchage sur l'unité de distillation")


def test_each_language_from_the_menu_has_no_violation(notice, page, axe):
    page.goto(notice.get_absolute_url())
    expect(page.get_by_text("Que dois-je faire ?").first).to_be_visible()
    assert axe(page) == []
    for code, name, heading in LANGUAGES:
        # The menu's own heading is in the language last chosen: find the link by its name.
        page.locator(".summary-languages").get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(f"{page.url.split('?')[0]}?lang={code}#resume-{code}")
        summary = page.locator(f'section.summary[lang="{code}"]')
        expect(summary.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.locator(f'.summary-languages a[hreflang="{code}"]')).to_have_attribute("aria-current", "page")
        assert axe(page) == [], code


def test_arabic_is_laid_out_right_to_left(notice, new_context, axe):
    page = new_context(viewport={"width": 1280, "height": 900})
    page.goto(f"{notice.get_absolute_url()}?lang=ar")
    summary = page.locator('section.summary[lang="ar"]')
    expect(summary).to_have_attribute("dir", "rtl")
    assert summary.evaluate("e => getComputedStyle(e).direction") == "rtl"
    # Each fact's label stands on the right of its value, as Arabic readers expect.
    row = summary.locator(".facts > div").first
    label, value = row.locator("dt").bounding_box(), row.locator("dd").bounding_box()
    assert label["x"] > value["x"]
    # The heading starts at the right edge of the section; the French page around stays left to right.
    heading, box = summary.get_by_role("heading", name="ملخّص").bounding_box(), summary.bounding_box()
    assert box["x"] + box["width"] - (heading["x"] + heading["width"]) < 40
    assert page.locator("article.notice--page").evaluate("e => getComputedStyle(e).direction") == "ltr"
    # Names stay French and isolated inside the Arabic text.
    expect(summary.locator('bdi[lang="fr"]', has_text="Raffinerie de Gonfreville")).to_be_visible()
    assert axe(page) == []


def test_the_console_preview_suggests_plainer_words_without_violation(transactional_db, world, page, axe):
    from tests.e2e.steps import sign_in, start_notice

    sign_in(page, "operator_a")
    start_notice(page, "Raffinerie de Gonfreville", "Torchage")
    expect(page.get_by_label("Que dois-je faire ?")).to_have_value("Rien : ce n'est pas une alerte.")
    page.get_by_label("Titre").fill("Torchage lors du redémarrage de l'unité 3")
    page.locator("#id_body").fill("La torchère brûle des gaz riches en H2S pendant le redémarrage.")
    page.get_by_role("button", name="Prévisualiser").click()
    suggestions = page.get_by_role("region", name="Lisibilité du texte")
    expect(suggestions).to_contain_text("« torchère » : expliquez-le")
    expect(suggestions).to_contain_text("« H₂S »")
    expect(suggestions).to_contain_text("Elles ne bloquent pas la publication.")
    expect(page.locator(".notice-preview .notice__todo")).to_contain_text("Rien : ce n'est pas une alerte.")
    assert axe(page) == []
