"""Choosing communes by name or postcode: the GET search that works without JavaScript
(static/js/commune-picker.js offers the same communes as suggestions while you type)."""
import re

import pytest

from relay.forms import commune_matches
from relay.models import Subscription
from relay.services import manage_token
from territories.models import Commune

from .conftest import confirmed

URL = "/seine-estuaire/abonnement/"


def listed(page):
    """The communes offered in the multi-select, as (code, label)."""
    select = re.search(r'<select name="communes".*?</select>', page, re.DOTALL).group(0)
    return re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)


def test_searching_by_name_ignores_accents_case_and_hyphens(world, client):
    page = client.get(URL, {"commune": "epouv"}).content.decode()

    assert [code for code, _label in listed(page)] == ["76238"]  # Épouville
    assert "1 commune correspond." in page
    assert 'aria-live="polite"' in page and 'href="/seine-estuaire/abonnement/">Voir toutes les communes' in page

    page = client.get(URL, {"commune": "port jerome"}).content.decode()
    assert [code for code, _label in listed(page)] == ["76476"]


def test_searching_by_postcode_finds_every_commune_of_that_postcode(world, client):
    page = client.get(URL, {"commune": "76700"}).content.decode()

    assert sorted(code for code, _label in listed(page)) == ["76305", "76341"]  # Gonfreville, Harfleur
    assert "2 communes correspondent." in page

    page = client.get(URL, {"commune": "7661"}).content.decode()  # the start of a postcode
    assert [label for _code, label in listed(page)] == ["Le Havre (76600, 76610, 76620)"]


def test_a_search_finding_nothing_says_so_in_french_and_offers_the_whole_list(world, client):
    page = client.get(URL, {"commune": "Martigues"}).content.decode()  # another territory's commune

    assert listed(page) == []
    assert "Aucune commune ne correspond" in page and "Voir toutes les communes" in page


def test_without_a_search_every_commune_of_the_territory_is_listed(world, client):
    page = client.get(URL).content.decode()
    assert len(listed(page)) == 5
    assert re.search(r'id="relay-commune-count"[^>]*></p>', page)  # the live region stays silent


def test_the_search_never_puts_what_was_typed_in_the_subscribe_form_s_url(world, client):
    page = client.get(URL).content.decode()
    # The search field belongs to its own GET form, outside the POST form holding the address.
    assert '<form method="get" id="relay-commune-search"' in page
    assert re.search(r'<input type="search"[^>]*name="commune"[^>]*form="relay-commune-search"', page)
    assert re.search(r'<label for="relay-commune-query">Chercher une commune \(nom ou code postal\)</label>', page)


def test_typed_search_text_is_escaped(world, client):
    page = client.get(URL, {"commune": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_commune_found_by_the_search_can_be_subscribed_to(world, client):
    response = client.post(f"{URL}?commune=harfleur", {
        "channel": "email", "address": "r@example.test", "communes": ["76341"], "digest": "immediate", "website": "",
    })
    assert response.status_code == 302
    assert list(Subscription.objects.get().communes.values_list("pk", flat=True)) == ["76341"]


def test_communes_already_chosen_stay_listed_while_searching(world, client):
    subscription = confirmed(world.x, "email", "r@example.test", Commune.objects.filter(pk="76351"))
    url = f"{URL}gerer/{manage_token(subscription)}/"

    page = client.get(url, {"commune": "harf"}).content.decode()

    codes = [code for code, _label in listed(page)]
    assert codes == ["76341", "76351"]  # Harfleur found, Le Havre kept because chosen
    assert re.search(r'<option value="76351" selected>', page)
    assert "1 commune correspond." in page


@pytest.mark.parametrize("code, query, found", [
    ("76351", "HAVRE", True), ("76351", "le havre", True), ("76351", "766", True), ("76351", "76620", True),
    ("76351", "6620", False),  # postcodes match from their start only
    ("76351", "harfleur", False),
    ("76305", "gonfreville l orcher", True), ("76305", "Gonfreville-l’Orcher", True),
    ("76238", "EPOUVILLE", True), ("76238", "", True),
])
def test_the_matching_rule(world, code, query, found):
    assert commune_matches(Commune.objects.get(pk=code), query) is found
