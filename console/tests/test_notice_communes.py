"""The notice form's affected communes: a picker (search, chips) over a plain select, and a search
that works without JavaScript by sending the whole form back, as typed."""
import json
import re

from django.urls import reverse

from notices.models import Notice

from .notice_data import notice_post, revision_post


def options(page):
    select = re.search(r'<select name="communes".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="(\d+)"( selected)?>', select)


def test_the_form_offers_every_commune_of_the_territory_in_a_picker(client, world):
    client.force_login(world.operator_a)
    page = client.get(reverse("console:notice_create"), {"site": world.site_a.pk, "categorie": "torchage"}).content.decode()
    assert "data-commune-picker" in page and "js/commune-picker.js" in page
    assert 'type="checkbox" name="communes"' not in page
    found = options(page)
    assert len(found) == 5  # territory X's communes
    chosen = {code for code, selected in found if selected}
    assert chosen == {c.code for c in world.site_a.neighbouring_communes.all()}
    assert 'id="notice-site-locations"' in page and '"lat": 49.487' in page
    # Each commune offered has its centre, so the small map can show the chosen ones.
    places = json.loads(re.search(r'<script id="notice-commune-locations" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert set(places) == {code for code, _ in found}
    assert all(48 < place["lat"] < 51 and 0 < place["lon"] < 2 for place in places.values())


def test_a_search_without_javascript_keeps_what_was_typed_and_saves_nothing(client, world):
    client.force_login(world.operator_a)
    data = notice_post(world, action="communes", title="Torchage [à compléter]", communes_q="epou")
    response = client.post(reverse("console:notice_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Torchage [à compléter]"' in page
    assert 'name="communes_q" value="epou"' in page
    assert "1 commune correspond." in page
    # Épouville found; the site's three neighbours still chosen.
    assert sorted(options(page)) == sorted([("76238", "")] + [(c.code, " selected") for c in world.site_a.neighbouring_communes.all()])
    assert "form-errors" not in page and "Remplacez ou supprimez" not in page  # a search is no failed submission
    assert not Notice.objects.exists()


def test_a_search_that_finds_nothing_says_so(client, world):
    client.force_login(world.operator_a)
    page = client.post(reverse("console:notice_create"), notice_post(world, action="communes", communes_q="zzz")).content.decode()
    assert "Aucune commune ne correspond." in page
    assert len(options(page)) == 3  # only the chosen ones


def test_a_commune_found_by_search_is_published_with_the_notice(client, world):
    client.force_login(world.operator_a)
    chosen = [c.code for c in world.site_a.neighbouring_communes.all()] + ["76238"]
    response = client.post(reverse("console:notice_create"), notice_post(world, communes=chosen, communes_q="epou"))
    assert response.status_code == 302
    assert set(Notice.objects.get().communes.values_list("code", flat=True)) == set(chosen)


def test_a_commune_of_another_territory_is_refused(client, world):
    client.force_login(world.operator_a)
    response = client.post(reverse("console:notice_create"), notice_post(world, communes=["13056"]))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Notice.objects.exists()


def test_the_update_form_searches_communes_too(client, world):
    notice = world.publish()
    client.force_login(world.operator_a)
    data = revision_post(notice, action="communes", communes_q="76133")  # Épouville's postcode
    page = client.post(reverse("console:notice_update", args=[notice.pk]), data).content.decode()
    assert "1 commune correspond." in page and ("76238", "") in options(page)
    assert notice.revisions.count() == 1
