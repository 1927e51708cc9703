"""What a resident types, read whatever the accents, the case and the spaces."""
import pytest

from textline.parsing import HELP, INFO, REPORT, STOP, SUBSCRIBE, UNKNOWN, fold, parse


@pytest.mark.parametrize("text", ["INFO 76600", "info 76600", "  Info   76600  ", "INFO76600", "info 76 600", "Infos 76600."])
def test_info_with_a_postcode_whatever_the_case_and_spaces(text):
    command = parse(text)
    assert (command.keyword, command.postcode, command.name) == (INFO, "76600", "")


@pytest.mark.parametrize("text", ["INFO HARFLEUR", "info harfleur", "Info   Harfleur ", "INFO Hârfleur!"])
def test_info_with_a_name(text):
    command = parse(text)
    assert (command.keyword, command.postcode, command.name) == (INFO, "", "harfleur")


@pytest.mark.parametrize("text, kind", [
    ("ODEUR 76600", "odour"), ("odeurs 76600", "odour"), ("BRUIT 76600", "noise"), ("Fumée 76600", "smoke_steam"),
    ("FUMEE 76600", "smoke_steam"), ("fumee 76600", "smoke_steam"), ("LUMIÈRE 76600", "light"),
    ("lumiere 76600", "light"), ("VIBRATION 76600", "vibration"), ("Vibrations 76600", "vibration"),
    ("flamme 76600", "flame"),
])
def test_report_keywords_map_to_the_report_kinds(text, kind):
    command = parse(text)
    assert (command.keyword, command.kind, command.postcode) == (REPORT, kind, "76600")


def test_names_lose_accents_hyphens_apostrophes_and_abbreviations():
    assert parse("info Gonfreville-l'Orcher").name == "gonfreville l orcher"
    assert parse("INFO ST-JOUIN-BRUNEVAL").name == "saint jouin bruneval"
    assert parse("info Port-Jérôme-sur-Seine").name == "port jerome sur seine"
    assert fold("Œuf  d’ÉTÉ") == "oeuf d ete"


def test_postcode_and_name_together_pick_one_commune_of_a_shared_postcode():
    command = parse("ODEUR 76700 Harfleur")
    assert (command.postcode, command.name) == ("76700", "harfleur")


def test_a_number_that_is_no_postcode_is_kept_to_say_so():
    command = parse("ABO 7660")
    assert (command.keyword, command.postcode, command.bad_number) == (SUBSCRIBE, "", "7660")


@pytest.mark.parametrize("text", ["STOP", "stop", " Stop. ", "ARRET", "Arrêt", "STOP SMS", "unsubscribe"])
def test_stop_words(text):
    assert parse(text).keyword == STOP


@pytest.mark.parametrize("text", ["AIDE", "aide", "Help", "?", "", "   "])
def test_help_words_and_empty_sms(text):
    assert parse(text).keyword == HELP


def test_any_other_word_is_unknown_and_quoted_back():
    command = parse("Bonjour 76600")
    assert (command.keyword, command.word) == (UNKNOWN, "bonjour")


def test_a_missing_commune_is_noticed():
    assert not parse("INFO").has_place
    assert parse("INFO 76600").has_place


def test_control_and_format_characters_do_not_hide_a_keyword():
    assert parse("\ufeffINFO\u200b 76600").postcode == "76600"
    assert parse("\ufeffINFO 76600").keyword == INFO
    assert parse("ODEUR\t76600\n").kind == "odour"


@pytest.mark.parametrize("text, intensity, postcode, name", [
    ("ODEUR FORTE 76600", 4, "76600", ""),
    ("odeur très forte à Harfleur", 5, "", "harfleur"),
    ("Odeur légère au Havre", 2, "", "havre"),
    ("BRUIT 76600", 0, "76600", ""),
])
def test_reports_may_say_how_strong_and_where_in_plain_words(text, intensity, postcode, name):
    command = parse(text)
    assert (command.intensity, command.postcode, command.name) == (intensity, postcode, name)


def test_words_before_the_place_are_dropped_but_not_the_commune_s_own():
    assert parse("info pour le 76600").postcode == "76600" and parse("info pour le 76600").name == ""
    assert parse("INFO Le Havre").name == "le havre"
    assert parse("INFO Port-Jérôme-sur-Seine").name == "port jerome sur seine"
