from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from notices import services
from notices.models import Notice
from territories.models import Site

from .helpers import has_inline_script, ongoing, section, text


def test_it_shows_the_territory_its_toll_free_number_and_what_to_do_if_the_siren_sounds(world, client):
    response = client.get("/seine-estuaire/")
    html = text(response)
    assert response.status_code == 200
    assert "<h1>Seine-Estuaire" in html
    assert '<a class="tollfree__number" href="tel:0800007600">0 800 00 76 00</a>' in html
    assert "Ce service informe, il n&#x27;alerte pas." in html or "Ce service informe, il n'alerte pas." in html
    assert "Si la sirène retentit : mettez-vous à l&#x27;abri" in html


def test_it_says_plainly_when_nothing_is_happening(world, client):
    html = section(client.get("/seine-estuaire/"), "en-cours")
    assert "Aucune activité particulière signalée en ce moment sur le territoire." in html
    assert '<article class="notice' not in html


def test_it_lists_what_happens_now_newest_first_then_what_is_planned(world, client):
    older = ongoing(world, title="Vapeur sur la chaudière", starts_at=timezone.now() - timedelta(hours=2))
    newer = ongoing(world, title="Odeur près des bacs", site=world.site_b)
    planned = world.publish(title="Essai de sirène programmé", starts_at=timezone.now() + timedelta(days=2),
                            expected_end_at=timezone.now() + timedelta(days=2, minutes=5))
    world.publish(title="Grand arrêt dans un mois", starts_at=timezone.now() + timedelta(days=30),
                  expected_end_at=timezone.now() + timedelta(days=40))
    ongoing(world, title="Torchage à Berre", site=world.site_c)

    response = client.get("/seine-estuaire/")
    now_html, soon_html = section(response, "en-cours"), section(response, "a-venir")
    assert now_html.index(newer.title) < now_html.index(older.title)
    assert planned.title not in now_html
    assert planned.title in soon_html and older.title not in soon_html
    assert "Grand arrêt dans un mois" not in text(response)  # beyond the 7-day window
    assert "Torchage à Berre" not in text(response)  # another territory


def test_each_card_gives_site_commune_category_times_text_and_links(world, client):
    start = timezone.now() - timedelta(minutes=30)
    notice = ongoing(world, starts_at=start, expected_end_at=start + timedelta(hours=2, minutes=30))
    html = section(client.get("/seine-estuaire/"), "en-cours")
    assert f'<article class="notice notice--ongoing" id="message-{notice.pk}"' in html
    assert f'<h3 class="notice__title" id="message-{notice.pk}-titre">' in html
    assert "Raffinerie de Gonfreville</a>, Gonfreville-l&#x27;Orcher" in html
    assert ">Torchage<" in html and ">visible<" in html
    assert "<time datetime=" in html
    assert "2\u00a0h\u00a030" in html  # duration, with the hours kept together
    assert "Aucune incidence sur la santé" in html
    assert f'href="/seine-estuaire/messages/{notice.pk}/"' in html
    assert 'href="/comprendre/torchage/"' in html


def test_a_scheduled_notice_whose_start_passed_is_shown_as_current_before_the_worker_runs(world, client):
    notice = world.publish(title="Redémarrage de l'unité")
    Notice.objects.filter(pk=notice.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    assert "Redémarrage de l&#x27;unité" in section(client.get("/seine-estuaire/"), "en-cours")


def test_operator_text_is_escaped(world, client):
    notice = ongoing(world, title='Fumée "noire" & < 5 min', body="Texte & <= 5")
    Notice.objects.filter(pk=notice.pk).update(body='<script>alert(1)</script> & <b', impact='"<img src=x>"')
    Site.objects.filter(pk=world.site_a.pk).update(name="Raffinerie <i>X</i>")
    html = text(client.get("/seine-estuaire/"))
    assert "Fumée &quot;noire&quot; &amp; &lt; 5 min" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b" in html
    assert "&quot;&lt;img src=x&gt;&quot;" in html
    assert "Raffinerie &lt;i&gt;X&lt;/i&gt;" in html
    assert "<script>alert" not in html and "<img src=x>" not in html and "<i>X" not in html


def test_the_map_highlights_busy_sites_in_words_and_needs_no_inline_script(world, client):
    ongoing(world)
    response = client.get("/seine-estuaire/")
    html = section(response, "sites")
    assert f'data-tile-url="{settings.MAP_TILE_URL}"' in html
    busy, quiet = html.split('<li class="site-item')[1:]
    assert "Raffinerie de Gonfreville" in busy and "Usine d&#x27;engrais du Havre" in quiet
    assert 'data-busy="1"' in busy and "Activité en cours" in busy
    assert 'data-busy="0"' in quiet and "Activité en cours" not in quiet
    # Without JavaScript the list is the map: every site has a link to its page.
    assert f'href="{world.site_a.get_absolute_url()}"' in html and f'href="{world.site_b.get_absolute_url()}"' in html
    assert 'data-lat="49.48700"' in html  # not localized to "49,48700"
    assert not has_inline_script(text(response))
    assert "style=" not in text(response)


def test_public_pages_set_no_cookie_so_proxies_can_cache_them(world, client):
    notice = ongoing(world)
    for url in ["/", "/seine-estuaire/", notice.get_absolute_url(), world.site_a.get_absolute_url(),
                "/seine-estuaire/historique/", "/comprendre/", "/comprendre/torchage/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url


def test_unknown_or_unpublished_territory_is_not_found(world, client):
    world.y.is_published = False
    world.y.save()
    assert client.get("/nulle-part/").status_code == 404
    assert client.get("/etang-de-berre/").status_code == 404


def test_home_lists_published_territories_with_their_accessibility_status(world, client):
    world.y.is_published = False
    world.y.save()
    html = text(client.get("/"))
    assert '<a href="/seine-estuaire/">Seine-Estuaire</a>' in html
    assert "Étang de Berre" not in html
    assert "Accessibilité : partiellement conforme" in html


def test_every_page_has_a_skip_link_landmarks_one_h1_and_the_accessibility_status(world, client):
    notice = ongoing(world)
    for url in ["/", "/seine-estuaire/", notice.get_absolute_url(), "/comprendre/", "/accessibilite/"]:
        html = text(client.get(url))
        assert '<html lang="fr">' in html
        assert '<a class="skip-link" href="#contenu">' in html and '<main id="contenu"' in html
        assert "<header" in html and "<footer" in html
        assert html.count("<h1") == 1, url
        assert 'href="/accessibilite/">Accessibilité : partiellement conforme</a>' in html, url


def test_an_ended_notice_leaves_the_current_list(world, client):
    notice = ongoing(world, title="Bruit de soupape")
    services.end(world.operator_a, notice)
    assert "Bruit de soupape" not in section(client.get("/seine-estuaire/"), "en-cours")


def test_the_map_assets_and_leaflets_licence_are_shipped(world, client):
    from django.contrib.staticfiles import finders

    html = text(client.get("/seine-estuaire/"))
    for asset in ["css/riverains.css", "vendor/leaflet/leaflet.css", "vendor/leaflet/leaflet.js", "js/public-map.js"]:
        assert f"/static/{asset}" in html
        assert finders.find(asset), asset
    assert "BSD 2-Clause License" in open(finders.find("vendor/leaflet/LICENSE"), encoding="utf-8").read()


def test_pages_outside_a_territory_give_generic_siren_advice_and_no_phone_number(db, client):
    html = text(client.get("/comprendre/"))
    assert "Si la sirène retentit : mettez-vous à l'abri dans le bâtiment le plus proche" in html
    assert 'class="tollfree"' not in html
