"""The subscribe page with its SMS keywords section (textline): no axe-core violation, in French
and in English (the keywords themselves stay French, marked lang="fr")."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("prefix, heading, section", [
    ("", "Recevoir les messages", "Sans inscription : par SMS au 06 39 98 00 76"),
    ("/en", "Receive", "Without subscribing: by SMS to 06 39 98 00 76"),
])
def test_the_sms_keywords_on_the_subscribe_page_have_no_violation(transactional_db, world, page, axe, settings,
                                                                    prefix, heading, section):
    settings.SMS_INBOUND_NUMBER, settings.SMS_INBOUND_NUMBERS = "06 39 98 00 76", ""
    page.goto(f"{prefix}/{world.x.slug}/abonnement/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    expect(page.locator("#par-sms dt[lang=fr] kbd").first).to_have_text("INFO 76600")
    assert axe(page) == []
