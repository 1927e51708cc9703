from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from voice import wording
from voice.wording import clock, compose, notice_sentence, speakable, spoken_moment

PARIS = ZoneInfo("Europe/Paris")
# Tuesday 12 November 2024, 22:30 in Le Havre.
NOW = datetime(2024, 11, 12, 22, 30, tzinfo=PARIS)


def at(day, hour, minute=0, month=11, year=2024):
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def territory(**overrides):
    values = dict(name="Seine-Estuaire", coordinator_name="CCI Seine Estuaire", contact_phone="",
                  siren_advice="Si la sirène retentit : mettez-vous à l'abri et écoutez France Bleu.")
    values.update(overrides)
    return SimpleNamespace(**values)


def notice(pk=1, status="ongoing", starts_at=None, expected_end_at=None, ended_at=None, **overrides):
    values = dict(
        pk=pk, status=status, category="torchage", perceptions=["visible"],
        starts_at=starts_at or at(12, 22), expected_end_at=expected_end_at, ended_at=ended_at,
        site=SimpleNamespace(name="Raffinerie de Gonfreville", commune=SimpleNamespace(name="Gonfreville-l'Orcher")),
        title="Torchage sur l'unité de distillation", body="Une flamme est visible.", impact="", public_reason="",
    )
    values.update(overrides)
    return SimpleNamespace(**values)


@pytest.mark.parametrize("hour, minute, expected", [
    (22, 0, "22 heures"), (22, 30, "22 heures 30"), (12, 0, "midi"), (0, 0, "minuit"), (12, 15, "midi 15"),
    (1, 0, "une heure"), (21, 0, "vingt-et-une heures"), (8, 5, "8 heures 05"),
])
def test_clock_times_are_said_as_people_say_them(hour, minute, expected):
    assert clock(at(12, hour, minute)) == expected


@pytest.mark.parametrize("moment, expected", [
    (at(12, 8), "8 heures ce matin"),
    (at(12, 15, 30), "15 heures 30 cet après-midi"),
    (at(12, 22), "22 heures ce soir"),
    (at(13, 3), "3 heures cette nuit"),
    (at(13, 8), "8 heures demain matin"),
    (at(13, 14), "14 heures demain après-midi"),
    (at(11, 20), "20 heures hier soir"),
    (at(12, 12), "midi"),
    (at(13, 12), "demain midi"),
    (at(13, 0), "minuit"),
    (at(14, 9), "9 heures le jeudi 14 novembre"),
    (at(1, 9, month=1, year=2025), "9 heures le mercredi premier janvier 2025"),
])
def test_moments_are_relative_to_the_listener(moment, expected):
    assert spoken_moment(moment, NOW) == expected


def test_early_hours_of_today_are_this_morning_once_the_night_is_over():
    assert spoken_moment(at(12, 3), at(12, 9)) == "3 heures du matin"
    assert spoken_moment(at(12, 3), at(12, 2)) == "3 heures cette nuit"


def test_a_night_operation_crossing_midnight_ends_at_three_in_the_morning():
    sentence = notice_sentence(notice(starts_at=at(12, 22), expected_end_at=at(13, 3)), NOW)
    assert sentence.startswith(
        "Depuis 22 heures ce soir et jusqu'à 3 heures du matin, Raffinerie de Gonfreville, "
        "à Gonfreville-l'Orcher, procède à un torchage."
    )


def test_after_midnight_the_same_operation_started_last_night():
    sentence = notice_sentence(notice(starts_at=at(12, 22), expected_end_at=at(13, 3)), at(13, 1))
    assert sentence.startswith("Depuis 22 heures hier soir et jusqu'à 3 heures du matin,")


def test_an_operation_ending_at_midnight_ends_at_midnight():
    sentence = notice_sentence(notice(starts_at=at(12, 20), expected_end_at=at(13, 0)), NOW)
    assert sentence.startswith("Depuis 20 heures ce soir et jusqu'à minuit,")


def test_a_planned_operation_is_in_the_future_tense_with_its_day():
    planned = notice(status="scheduled", starts_at=at(14, 8), expected_end_at=at(14, 11), category="essai_sirene",
                     perceptions=["audible"])
    sentence = notice_sentence(planned, NOW)
    assert sentence.startswith("À partir de 8 heures le jeudi 14 novembre et jusqu'à 11 heures, Raffinerie de Gonfreville, "
                               "à Gonfreville-l'Orcher, procédera à un essai de sirène. Cela pourra s'entendre")


def test_tomorrow_morning_is_said_tomorrow_morning():
    sentence = notice_sentence(notice(status="scheduled", starts_at=at(13, 8), expected_end_at=at(13, 17)), NOW)
    assert sentence.startswith("À partir de 8 heures demain matin et jusqu'à 17 heures demain après-midi,")


def test_perceptions_are_said_in_one_sentence():
    sentence = notice_sentence(notice(perceptions=["visible", "audible", "olfactory"]), NOW)
    assert "Cela peut se voir, s'entendre et se sentir depuis l'extérieur." in sentence


def test_an_ongoing_notice_without_end_says_the_end_is_not_known():
    assert "L'heure de fin n'a pas encore été annoncée." in notice_sentence(notice(), NOW)


def test_an_overdue_notice_says_its_end_is_not_confirmed():
    sentence = notice_sentence(notice(starts_at=at(12, 18), expected_end_at=at(12, 21)), NOW)
    assert "La fin était prévue à vingt-et-une heures ce soir et n'a pas encore été confirmée." in sentence


def test_ended_and_cancelled_notices_say_so():
    ended = notice(status="ended", starts_at=at(12, 8), ended_at=at(12, 11))
    assert notice_sentence(ended, NOW).startswith("De 8 heures ce matin à 11 heures, Raffinerie de Gonfreville, "
                                                  "à Gonfreville-l'Orcher, a procédé à un torchage.")
    assert notice_sentence(ended, NOW).endswith("Cette opération est terminée.")
    cancelled = notice(status="cancelled", starts_at=at(14, 8), public_reason="Report pour cause de vent.")
    assert notice_sentence(cancelled, NOW).startswith(
        "L'opération qui était prévue à partir de 8 heures le jeudi 14 novembre par Raffinerie de Gonfreville, "
        "à Gonfreville-l'Orcher, est annulée.")
    assert "Report pour cause de vent." in notice_sentence(cancelled, NOW)


@pytest.mark.parametrize("written, spoken", [
    ("Flamme visible à 2 km", "Flamme visible à 2 kilomètres"),
    ("À 1 km du site", "À 1 kilomètre du site"),
    ("Il fera 20°C", "Il fera 20 degrés"),
    ("Raffinerie & Chimie", "Raffinerie et Chimie"),
    ("De 8h à 11h30", "De 8 heures à 11 heures 30"),
    ("Entre 22h-3h", "Entre 22 heures à 3 heures"),
    ("Essai piloté par la CCI", "Essai piloté par la C C I"),
    ("Unité n°3", "Unité numéro 3"),
    ("Bruit de 85 dB(A) en limite", "Bruit de 85 décibels en limite"),
    ("Moins de 5 % du seuil", "Moins de 5 pour cent du seuil"),
    ("Surveillance 24h/24", "Surveillance 24 heures sur 24"),
    ("Débit < 5 m3", "Débit moins de 5 mètres cubes"),
    ("Vent à 30 km/h", "Vent à 30 kilomètres heure"),
])
def test_abbreviations_and_symbols_are_spelt_out(written, spoken):
    assert speakable(written) == spoken


@pytest.mark.parametrize("written", [
    "Détails sur https://www.exemple.fr/torchage?id=3.",
    "Détails sur www.raffinerie-demo.fr.",
    "Détails sur raffinerie-demo.fr/torchage.",
    "Écrivez à contact@raffinerie-demo.fr.",
])
def test_web_and_email_addresses_are_never_read_out(written):
    spoken = speakable(written)
    for fragment in ("http", "www", "@", ".fr", "raffinerie-demo", "torchage?"):
        assert fragment not in spoken
    assert spoken.endswith("le site internet.")


def test_the_caller_hears_the_count_and_one_line_per_current_notice_right_after_the_greeting():
    current = [notice(1), notice(2, starts_at=at(12, 20), category="bruit", perceptions=["audible"],
                                 expected_end_at=at(13, 3), site=SimpleNamespace(name="Usine Exemple (démonstration)",
                                                                                 commune=SimpleNamespace(name="Le Havre")))]
    planned = [notice(3, status="scheduled", starts_at=at(13, 8))]
    script = compose(territory(), current, planned, NOW)
    intro = script.section("intro")
    assert intro.startswith("Bonjour, ici la ligne des riverains de Seine-Estuaire. Ce service informe, il n'alerte pas. "
                            "En ce moment, 2 activités : torchage à la Raffinerie de Gonfreville, fin non annoncée ; ")
    assert "En ce moment, 2 activités : torchage à la Raffinerie de Gonfreville, fin non annoncée ; " in intro
    assert "bruit possible à l'Usine Exemple, jusqu'à 3 heures cette nuit." in intro
    assert "(démonstration)" not in script.bulletin_text
    assert "Une opération est prévue dans les prochains jours. Si la sirène retentit, mettez-vous à l'abri" in intro
    # The full sentences come after, on request (menu 4) or in the web bulletin; the full siren advice too.
    assert script.bulletin_text.index("En ce moment") < script.bulletin_text.index("procède à un torchage") \
        < script.bulletin_text.index("peut produire du bruit") < script.bulletin_text.index("procédera")
    assert "Ce service vous informe, il ne vous alerte pas. Si la sirène retentit : mettez-vous à l'abri" in script.bulletin_text
    assert [s.notice_id for s in script.segments if s.notice_id] == [1, 2, 3]
    assert script.current_ids == [1, 2]


def test_a_site_named_by_its_kind_of_plant_takes_its_article_and_others_are_placed_by_commune():
    site = SimpleNamespace
    assert wording.at_site(site(name="Raffinerie Exemple de Gonfreville (démonstration)", commune=site(name="X"))) \
        == "à la Raffinerie Exemple de Gonfreville"
    assert wording.at_site(site(name="Dépôt pétrolier de la Mède", commune=site(name="X"))) == "au Dépôt pétrolier de la Mède"
    assert wording.at_site(site(name="Sanofi Exemple", commune=site(name="Le Havre"))) == "au Havre"


@pytest.mark.parametrize("commune, said", [
    ("Le Havre", "au Havre"), ("Les Pennes-Mirabeau", "aux Pennes-Mirabeau"), ("La Mède", "à la Mède"),
    ("L'Isle-Adam", "à l'Isle-Adam"), ("Harfleur", "à Harfleur"), ("Martigues (démonstration)", "à Martigues"),
])
def test_communes_take_the_preposition_a_french_speaker_uses(commune, said):
    assert wording.at_commune(commune) == said


@pytest.mark.parametrize("name, said", [
    ("Seine-Estuaire", "Bonjour, ici la ligne des riverains de Seine-Estuaire."),
    ("Étang de Berre (démonstration)", "Bonjour, ici la ligne des riverains d'Étang de Berre."),
    ("Le Havre Seine Métropole", "Bonjour, ici la ligne des riverains du Havre Seine Métropole."),
])
def test_the_greeting_names_the_territory_as_said_in_french(name, said):
    assert compose(territory(name=name), [], [], NOW).section("intro").startswith(said)


def test_full_sentences_say_au_havre_and_no_demonstration_mark():
    text = notice_sentence(notice(site=SimpleNamespace(name="Usine Exemple (démonstration)",
                                                       commune=SimpleNamespace(name="Le Havre"))), NOW)
    assert "Usine Exemple, au Havre, procède à un torchage." in text


def test_a_line_says_until_when_in_the_shortest_way():
    assert wording.notice_line(notice(expected_end_at=at(12, 23, 45)), NOW) == \
        "torchage à la Raffinerie de Gonfreville, jusqu'à 23 heures 45"
    assert wording.notice_line(notice(expected_end_at=at(13, 16)), NOW).endswith("jusqu'à 16 heures demain après-midi")
    assert wording.notice_line(notice(expected_end_at=at(12, 22)), NOW).endswith("fin prévue dépassée")


def test_many_current_notices_are_placed_by_commune_to_keep_the_intro_short():
    many = [notice(pk) for pk in range(1, 8)]
    lines = compose(territory(), many, [], NOW).section("intro")
    assert "En ce moment, 7 activités : torchage à Gonfreville-l'Orcher, fin non annoncée ;" in lines
    assert "Raffinerie" not in lines


def test_past_ten_current_notices_the_intro_says_how_to_hear_the_others():
    lines = compose(territory(), [notice(pk) for pk in range(1, 31)], [], NOW).section("intro")
    assert lines.count(" ; ") == 9
    assert "Et 20 autres activités : pour celles de votre commune, appuyez sur 3 après ce message, pour toutes, sur 4." in lines


def test_a_demonstration_territory_says_so_once():
    script = compose(territory(name="Seine-Estuaire (démonstration)", is_demo=True), [notice()], [], NOW)
    assert script.bulletin_text.count("C'est une démonstration : les entreprises et les messages sont fictifs.") == 1
    assert "(démonstration)" not in script.bulletin_text


def test_one_notice_is_counted_in_the_singular():
    script = compose(territory(), [notice()], [], NOW)
    assert "En ce moment, une activité : torchage" in script.section("intro")
    assert "Voici l'activité en cours, en détail." in script.bulletin_text
    assert "Aucune opération n'est prévue dans les prochains jours." in script.bulletin_text


def test_a_quiet_day_is_said_plainly():
    script = compose(territory(), [], [], NOW)
    assert "Rien de signalé en ce moment : aucun site industriel n'a annoncé d'activité visible, audible ou odorante." \
        in script.section("intro")
    assert script.section("current").startswith("Rien à signaler en ce moment")
    assert "Ce service informe, il n'alerte pas." in script.section("intro")
    # No "one activity in detail" choice when there is none.
    assert "appuyez sur 1" not in script.section("menu") and "appuyez sur 2" in script.section("menu")


def test_siren_advice_without_its_lead_is_introduced():
    text = compose(territory(siren_advice="Mettez-vous à l'abri."), [], [], NOW).bulletin_text
    assert "Si la sirène retentit : Mettez-vous à l'abri." in text


def test_a_greeting_override_replaces_the_default_greeting():
    text = compose(territory(), [], [], NOW, greeting_text="Allo Industrie, bonjour").bulletin_text
    assert text.startswith("Allo Industrie, bonjour. Ce service informe, il n'alerte pas.")
    assert "ligne des riverains" not in text


def test_the_information_part_names_the_coordinator_and_is_not_an_alert():
    info = compose(territory(contact_phone="02 35 00 00 00"), [], [], NOW).section("info")
    assert "Ce service est proposé par C C I Seine Estuaire." in info
    assert "il ne vous alerte pas" in info
    assert "appelez le 02 35 00 00 00" in info


@pytest.mark.django_db
def test_script_for_reads_only_the_territorys_current_and_coming_notices(world):
    from django.utils import timezone

    now = timezone.now()
    world.publish(title="En cours chez A", starts_at=now - timedelta(hours=1), expected_end_at=now + timedelta(hours=2))
    world.publish(title="Prévu chez A", starts_at=now + timedelta(days=2), expected_end_at=now + timedelta(days=2, hours=2))
    world.publish(title="Trop loin", starts_at=now + timedelta(days=30), expected_end_at=now + timedelta(days=30, hours=1))
    world.publish(site=world.site_c, title="Chez C, autre territoire", starts_at=now - timedelta(hours=1))
    script = wording.script_for(world.x, now)
    assert "En cours chez A." in script.section("current")
    assert "Prévu chez A." in script.section("planned")
    assert "Trop loin" not in script.bulletin_text
    assert "Chez C" not in script.bulletin_text
