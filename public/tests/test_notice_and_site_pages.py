from datetime import timedelta

from django.utils import timezone

from notices import services
from notices.models import Explainer, Notice

from .helpers import ongoing, section, text


def test_notice_page_shows_every_public_version_newest_first(world, client):
    notice = ongoing(world, title="Torchage léger")
    services.update(world.operator_a, notice, {"title": "Torchage important"}, "La flamme est plus grande que prévu")
    services.end(world.operator_a, notice, change_note="Unité redémarrée")
    html = section(client.get(notice.get_absolute_url()), "versions")
    assert html.index("Version 3 : fin") < html.index("Version 2 : mise à jour") < html.index("Version 1 : publication")
    assert "La flamme est plus grande que prévu" in html and "Unité redémarrée" in html
    # What the text was at each version, not only what it is now.
    assert "Torchage léger" in html.split("Version 1 : publication")[1]


def test_notice_page_shows_its_current_state_first(world, client):
    notice = ongoing(world, title="Vapeur visible")
    services.end(world.operator_a, notice)
    html = text(client.get(notice.get_absolute_url()))
    assert '<h1 id="message-titre">Vapeur visible</h1>' in html
    assert ">Terminé<" in html
    assert html.index("<h1") < html.index('id="versions"')


def test_a_cancelled_operation_says_so_with_its_public_reason(world, client):
    notice = world.publish(title="Exercice incendie")
    services.cancel(world.operator_a, notice, reason="Reporté à cause de la météo")
    html = text(client.get(notice.get_absolute_url()))
    assert "Cette opération a été annulée." in html
    assert "Reporté à cause de la météo" in html


def test_a_withdrawn_notice_says_the_coordinator_withdrew_it_and_why(world, client):
    notice = ongoing(world, title="Message erroné")
    services.withdraw(world.coordinator_x, notice, reason="Publié sur le mauvais site")
    html = text(client.get(notice.get_absolute_url()))
    assert "Ce message a été retiré par le coordinateur du territoire." in html
    assert "Publié sur le mauvais site" in html
    assert "retrait par le coordinateur" in html


def test_drafts_and_other_territories_notices_are_not_found(world, client):
    draft = services.save_draft(world.operator_a, world.notice_fields())
    other = ongoing(world, site=world.site_c)
    assert client.get(f"/seine-estuaire/messages/{draft.pk}/").status_code == 404
    assert client.get(f"/seine-estuaire/messages/{other.pk}/").status_code == 404
    assert client.get(f"/etang-de-berre/messages/{other.pk}/").status_code == 200


def test_notice_links_to_its_own_explainer_or_else_to_its_categorys(world, client):
    sirens = Explainer.objects.get(slug="essai-de-sirene")
    chosen = ongoing(world, explainer=sirens)
    default = ongoing(world)
    assert 'href="/comprendre/essai-de-sirene/"' in text(client.get(chosen.get_absolute_url()))
    assert 'href="/comprendre/torchage/"' in text(client.get(default.get_absolute_url()))


def test_notice_page_escapes_operator_text_in_every_version(world, client):
    notice = ongoing(world, title="Fumée noire")
    services.update(world.operator_a, notice, {"body": "Texte & < 5 min"}, 'Note "citée" & <= 2')
    Notice.objects.filter(pk=notice.pk).update(title='Fumée "noire" & <b')
    html = text(client.get(notice.get_absolute_url()))
    assert "Fumée &quot;noire&quot; &amp; &lt;b" in html
    assert "Note &quot;citée&quot; &amp; &lt;= 2" in html
    assert "Texte &amp; &lt; 5 min" in html
    assert "<b" not in html.replace("<body", "").replace("<br", "")


def test_site_page_shows_description_seveso_status_and_its_notices(world, client):
    world.site_a.description = "Raffinerie de pétrole brut.\n\nCapacité de 16 millions de tonnes."
    world.site_a.seveso = "seuil_haut"
    world.site_a.save()
    now = timezone.now()
    current = ongoing(world, title="Torchage en cours")
    planned = world.publish(title="Arrêt prévu", starts_at=now + timedelta(days=1), expected_end_at=now + timedelta(days=2))
    past = ongoing(world, title="Vapeur d'hier", starts_at=now - timedelta(days=1))
    services.end(world.operator_a, past)
    ongoing(world, title="Ailleurs", site=world.site_b)
    response = client.get(world.site_a.get_absolute_url())
    html = text(response)
    assert "<h1>Raffinerie de Gonfreville</h1>" in html
    assert "<p>Capacité de 16 millions de tonnes.</p>" in html
    assert "Seveso seuil haut" in html and "Gonfreville-l&#x27;Orcher" in html
    assert current.title in section(response, "en-cours")
    assert planned.title in section(response, "a-venir")
    assert "Vapeur d&#x27;hier" in section(response, "recents")
    assert "Ailleurs" not in html


def test_site_page_redirects_an_old_slug_and_hides_other_territories_sites(world, client):
    response = client.get(f"/seine-estuaire/sites/{world.site_a.pk}-ancien-nom/")
    assert response.status_code == 301 and response["Location"] == world.site_a.get_absolute_url()
    assert client.get(f"/seine-estuaire/sites/{world.site_c.pk}-vapocraqueur/").status_code == 404
    world.site_b.is_active = False
    world.site_b.save()
    assert client.get(world.site_b.get_absolute_url()).status_code == 404
