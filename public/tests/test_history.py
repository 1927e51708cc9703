from datetime import timedelta

from django.utils import timezone

from notices import services
from notices.models import Category

from .helpers import ongoing, section, text


def results(response):
    return section(response, "resultats")


def test_it_lists_published_notices_of_the_territory_only(world, client):
    world.publish(title="Torchage prévu")
    services.save_draft(world.operator_a, world.notice_fields(title="Brouillon secret"))
    ongoing(world, title="Odeur à Berre", site=world.site_c)
    html = results(client.get("/seine-estuaire/historique/"))
    assert "Torchage prévu" in html
    assert "Brouillon secret" not in html and "Odeur à Berre" not in html
    assert "1 message trouvé." in html


def test_it_filters_by_site_category_and_commune(world, client):
    world.publish(title="Torchage raffinerie")
    world.publish(title="Bruit engrais", site=world.site_b, category=Category.NOISE, perceptions=["audible"])
    by_site = results(client.get(f"/seine-estuaire/historique/?site={world.site_b.pk}"))
    assert "Bruit engrais" in by_site and "Torchage raffinerie" not in by_site
    by_category = results(client.get("/seine-estuaire/historique/?category=torchage"))
    assert "Torchage raffinerie" in by_category and "Bruit engrais" not in by_category
    # Harfleur (76341) is among the raffinerie's communes, not the fertilizer plant's.
    by_commune = results(client.get("/seine-estuaire/historique/?commune=76341"))
    assert "Torchage raffinerie" in by_commune and "Bruit engrais" not in by_commune


def test_it_filters_by_dates_in_iso_or_french_format(world, client):
    now = timezone.now()
    world.publish(title="Dans trois jours", starts_at=now + timedelta(days=3), expected_end_at=now + timedelta(days=3, hours=1))
    ongoing(world, title="Aujourd'hui")
    in_two_days = timezone.localdate() + timedelta(days=2)
    later = results(client.get(f"/seine-estuaire/historique/?start={in_two_days.isoformat()}"))
    assert "Dans trois jours" in later and "Aujourd&#x27;hui" not in later
    earlier = results(client.get(f"/seine-estuaire/historique/?end={in_two_days.strftime('%d/%m/%Y')}"))
    assert "Aujourd&#x27;hui" in earlier and "Dans trois jours" not in earlier


def test_bad_filter_values_get_a_clear_french_message_not_an_error(world, client):
    ongoing(world, title="Torchage")
    cases = {
        "site=abc": "Ce site n&#x27;existe pas sur ce territoire",
        f"site={world.site_c.pk}": "Ce site n&#x27;existe pas sur ce territoire",  # another territory's site
        "category=inconnue": "Catégorie inconnue",
        "commune=13056": "Cette commune n&#x27;est pas sur ce territoire",
        "start=31/02/2026": "Date non valide : écrivez-la par exemple 14/11/2026.",
        "start=2026-11-20&end=2026-11-10": "La date de fin doit être après la date de début.",
    }
    for query, message in cases.items():
        response = client.get(f"/seine-estuaire/historique/?{query}")
        assert response.status_code == 400, query
        assert "La recherche n'a pas pu être faite" in text(response), query
        assert message in text(response), query
        assert "Torchage" not in results(response), query


def test_it_paginates_twenty_per_page_and_keeps_the_filters(world, client):
    for i in range(22):
        ongoing(world, title=f"Message numéro {i:02d}", starts_at=timezone.now() - timedelta(hours=i + 1))
    first = client.get("/seine-estuaire/historique/?category=torchage")
    assert text(first).count('<article class="notice') == 20
    assert "Page 1 sur 2" in text(first)
    assert 'href="?category=torchage&amp;page=2"' in text(first)
    second = client.get("/seine-estuaire/historique/?category=torchage&page=2")
    assert text(second).count('<article class="notice') == 2
    assert "Message numéro 21" in text(second)


def test_a_bad_page_number_shows_a_page_instead_of_an_error(world, client):
    ongoing(world, title="Seul message")
    for page in ["abc", "999", "-1"]:
        response = client.get(f"/seine-estuaire/historique/?page={page}")
        assert response.status_code == 200
        assert "Seul message" in results(response)


def test_history_of_a_commune_escapes_operator_text(world, client):
    ongoing(world, title='Fumée "noire" & < 5 min')
    assert "Fumée &quot;noire&quot; &amp; &lt; 5 min" in results(client.get("/seine-estuaire/historique/?commune=76305"))
