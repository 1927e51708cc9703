"""The SMS keywords, from the inbound SMS to the answer in the outbox (and, for a few, to the
gateway): what the resident's phone would show."""
from datetime import timedelta

from django.utils import timezone

from notices.models import Category
from relay import gsm, transactional
from relay.models import Delivery, DeliveryStatus, MessageKind, Subscription
from relay.sender import send_pending
from relay.tests.conftest import confirmed, kannel  # noqa: F401  (the relay's fake Kannel, a fixture)
from reports.models import Report, ReportKind
from textline import services

PHONE = "+33612345678"
SITE = "http://127.0.0.1:8000"


def sms(text, phone=PHONE, territory=""):
    """Receive `text` from `phone`; the answer as the phone would show it (built as when sent)."""
    delivery = services.receive(phone, text, territory)
    return transactional.build(delivery) if delivery is not None else None


def under_way(world, site=None, **fields):
    now = timezone.now()
    values = dict(starts_at=now - timedelta(minutes=20), expected_end_at=now + timedelta(hours=3))
    values.update(fields)
    return world.publish(site=site, **values)


def assert_fits_two_sms(text):
    assert text == gsm.to_gsm(text) and gsm.segments(text) <= 2 and gsm.length(text) <= 306


# --- INFO ------------------------------------------------------------------------------------


def test_info_by_postcode_lists_the_commune_s_current_notice_with_its_site_time_and_link(world):
    notice = under_way(world, site=world.site_b, title="Vapeur visible au-dessus de l'atelier d'ammoniac")
    end = timezone.localtime(notice.expected_end_at)

    answer = sms("INFO 76600")  # Le Havre

    assert answer.startswith("Le Havre : 1 activité en cours. 1) Vapeur visible au-dessus de l'atelier d'ammoniac")
    assert f"(Usine d'engrais du Havre, jusqu'à {end:%Hh%M})" in answer or f"jusqu'à {end:%d/%m %Hh%M}" in answer
    assert answer.endswith(f"Détails : {SITE}/seine-estuaire/")
    assert_fits_two_sms(answer)


def test_info_by_name_ignores_accents_and_case_and_says_when_nothing_is_announced(world):
    under_way(world, site=world.site_c)  # another territory

    answer = sms("info  ÉPOUVILLE ")

    assert answer.startswith("Épouville : aucune activité annoncée par les sites industriels en ce moment.")
    assert "n'alerte pas" in answer and answer.endswith(f"{SITE}/seine-estuaire/")


def test_info_counts_planned_notices_too(world):
    under_way(world, title="Torchage en cours")
    world.publish(title="Exercice incendie", starts_at=timezone.now() + timedelta(hours=2))

    answer = sms("INFO HARFLEUR")

    assert answer.startswith("Harfleur : 1 activité en cours, 1 prévue. 1) Torchage en cours (Raffinerie de Gonfreville")
    assert "2) Exercice incendie (Raffinerie de Gonfreville, à partir de" in answer


def test_many_long_notices_still_fit_two_sms_with_the_link_whole(world):
    for i in range(9):
        under_way(world, title=f"Torchage {i} : flamme visible pendant le redémarrage de l'unité de craquage catalytique")

    answer = sms("INFO 76700 HARFLEUR")

    assert_fits_two_sms(answer)
    assert answer.startswith("Harfleur : 9 activités en cours. 1) Torchage 0 : flamme visible")
    assert "..." in answer and "autres." in answer  # titles cut on a word, the rest counted
    assert answer.endswith(f"Détails : {SITE}/seine-estuaire/")


def test_a_title_with_control_characters_quotes_and_emoji_stays_plain_gsm(world):
    under_way(world, site=world.site_b, title="Bruit « fort » — essai\u202e 🔥 & soupape")
    answer = sms("INFO 76600")
    assert 'Bruit "fort" - essai ? & soupape (' in answer  # no bidi override, nothing outside GSM-7
    assert_fits_two_sms(answer)


# --- places that are not one commune ---------------------------------------------------------


def test_a_postcode_shared_by_two_communes_lists_them(world):
    answer = sms("INFO 76700")
    assert answer == ("Le 76700 couvre plusieurs communes : Gonfreville-l'Orcher, Harfleur. Renvoyez INFO suivi du nom, "
                      "par exemple INFO GONFREVILLE-L'ORCHER.")


def test_a_name_matching_several_communes_lists_them_with_their_postcodes(world):
    answer = sms("ODEUR port")  # Port-Jérôme-sur-Seine, Port-Saint-Louis-du-Rhône (another territory)
    assert answer.startswith("Plusieurs communes : Port-Jérome-sur-Seine (76170)")
    assert "Port-Saint-Louis-du-Rhone (13230)" in answer and answer.endswith("Renvoyez ODEUR suivi du code postal.")
    assert not Report.objects.exists()


def test_a_misspelt_commune_gets_a_suggestion(world):
    assert sms("info harfleu").startswith("Harfleur : ")  # the start of a name is enough
    assert sms("info harflor").startswith("Commune HARFLOR inconnue ici. Vouliez-vous dire : Harfleur (76700) ?")


def test_an_unknown_postcode_and_a_short_number_are_answered_clearly(world):
    assert sms("INFO 75001").startswith("Aucune commune suivie par ce service ne correspond à 75001.")
    assert sms("INFO 7660") == "7660 n'est pas un code postal (5 chiffres). Exemple : INFO 76600."
    assert sms("BRUIT") == "Indiquez la commune après BRUIT, par exemple : BRUIT 76600 ou BRUIT HARFLEUR."


def test_the_territory_s_own_number_only_knows_its_communes(world):
    assert sms("INFO Martigues", territory="seine-estuaire").startswith("Aucune commune suivie")
    assert sms("INFO Martigues", territory="etang-de-berre").startswith("Martigues : aucune activité")


# --- reports ---------------------------------------------------------------------------------


def test_odeur_records_a_report_like_the_web_form_and_names_the_notice_that_explains_it(world):
    notice = under_way(world, category=Category.ODOUR, perceptions=["olfactory"], title="Odeur de soufre possible")

    answer = sms("Odeur 76700 Harfleur")

    report = Report.objects.get()
    assert (report.territory, report.kind, report.commune.name, report.intensity) == (world.x, ReportKind.ODOUR, "Harfleur", 3)
    assert report.explained and list(report.matches.values_list("notice", flat=True)) == [notice.pk]
    assert answer.startswith("Merci, signalement enregistré (odeur, Harfleur). Un message publié l'explique probablement : "
                             "Odeur de soufre possible (Raffinerie de Gonfreville, jusqu'à")
    assert answer.endswith(f"{SITE}/seine-estuaire/messages/{notice.pk}/")
    assert_fits_two_sms(answer)


def test_bruit_with_no_explaining_notice_says_so_and_links_to_the_report_s_page(world):
    under_way(world, category=Category.ODOUR, perceptions=["olfactory"])  # a smell explains no noise

    answer = sms("BRUIT 76600")

    report = Report.objects.get()
    assert not report.explained and report.kind == ReportKind.NOISE
    assert answer.startswith("Merci, signalement enregistré (bruit, Le Havre). Aucun message publié ne l'explique")
    assert f"Suivi : {SITE}/seine-estuaire/signaler/reponse/{report.token}/ Urgence : 112." in answer
    assert_fits_two_sms(answer)


def test_each_phone_counts_as_one_person_for_episodes(world):
    for i in range(3):
        sms("FUMEE 76600", phone=f"+3361234560{i}")
    assert Report.objects.filter(kind=ReportKind.SMOKE_STEAM).count() == 3
    assert Report.objects.values("network_hash").distinct().count() == 3
    assert Report.objects.exclude(episode=None).count() == 3  # three people: an episode opens


def test_the_reports_own_rate_limit_answers_as_the_web_form(world, settings):
    settings.REPORTS_RATE_LIMIT = (2, 600)
    sms("BRUIT 76600"), sms("BRUIT 76600")
    answer = sms("BRUIT 76600")
    assert answer.startswith("Vous avez déjà envoyé plusieurs signalements il y a quelques minutes")
    assert Report.objects.count() == 2


# --- ABO, STOP, AIDE -------------------------------------------------------------------------


def test_abo_subscribes_the_number_at_once_and_answers_with_the_manage_link(world):
    answer = sms("ABO 76600")

    subscription = Subscription.objects.get(address=PHONE)
    assert subscription.is_confirmed and subscription.territory == world.x
    assert [c.name for c in subscription.communes.all()] == ["Le Havre"]
    assert subscription.quiet_start.hour == 22 and subscription.quiet_end.hour == 7
    assert not Delivery.objects.filter(kind=MessageKind.CONFIRMATION).exists()  # no code: the number asked itself
    assert answer.startswith("Abonnement SMS confirmé pour Le Havre : les messages des sites industriels, sauf de 22h à 7h. "
                             "Gérer : http://127.0.0.1:8000/seine-estuaire/abonnement/gerer/")
    assert answer.endswith(" STOP pour vous désabonner.")
    assert_fits_two_sms(answer)
    assert "/gerer/" not in str(Delivery.objects.get(kind=MessageKind.SMS_ANSWER).payload)  # no working link stored


def test_a_long_territory_name_never_cuts_the_manage_link(world):
    world.x.name = "Communauté urbaine Le Havre Seine Métropole et Estuaire de la Seine (démonstration)"
    world.x.save()
    answer = sms("ABO Saint-Jouin")  # not covered: unknown
    assert answer.startswith("Aucune commune suivie")
    answer = sms("ABO 76600")
    assert "Gérer : http://127.0.0.1:8000/seine-estuaire/abonnement/gerer/" in answer
    assert_fits_two_sms(answer)


def test_abo_again_adds_the_commune_to_the_subscription(world):
    sms("ABO 76600")
    answer = sms("abo harfleur")
    subscription = Subscription.objects.get(address=PHONE)
    assert sorted(c.name for c in subscription.communes.all()) == ["Harfleur", "Le Havre"]
    assert answer.startswith("Harfleur ajoutée à votre abonnement SMS. Gérer : http://127.0.0.1:8000/seine-estuaire/")


def test_abo_keeps_the_territory_s_country_list(world):
    answer = sms("ABO 76600", phone="+12025550123")
    assert answer.startswith("Les SMS de ce territoire ne sont envoyés qu'aux numéros de certains pays")
    assert not Subscription.objects.exists()


def test_abo_keeps_the_territory_s_hourly_cap(world):
    world.x.sms_confirmations_per_hour = 1
    world.x.save()
    sms("ABO 76600", phone="+33611111111")

    answer = sms("ABO 76600", phone="+33622222222")

    assert answer.startswith("Trop d'abonnements par SMS en ce moment sur ce territoire : renvoyez ABO après ")
    assert list(Subscription.objects.values_list("address", flat=True)) == ["+33611111111"]


def test_stop_deletes_every_sms_subscription_of_the_number(world):
    confirmed(world.x, "sms", PHONE, list(world.site_a.neighbouring_communes.all()))
    confirmed(world.y, "sms", PHONE, [])
    assert sms(" stop ") == "Vous etes desabonne, vos donnees sont effacees."
    assert not Subscription.objects.exists()
    assert sms("STOP") == "Aucun abonnement pour ce numero."


def test_aide_and_unknown_words_list_the_keywords(world):
    answer = sms("aide")
    assert answer.startswith("INFO 76600 ou INFO HARFLEUR : messages en cours. ODEUR, BRUIT, FUMEE, LUMIERE ou VIBRATION")
    assert "ABO 76600 : s'abonner. STOP : se désabonner." in answer
    assert sms("Bonjour").startswith("Mot-clé BONJOUR inconnu. INFO 76600")
    assert gsm.segments(answer) == 1  # the site's link only when it fits: here it does not
    assert gsm.segments(sms("aide", territory="seine-estuaire")) == 1


# --- limits and the outbox -------------------------------------------------------------------


def test_a_number_gets_a_few_answers_an_hour_then_one_warning_then_silence(world, settings):
    settings.TEXTLINE_ANSWERS_PER_HOUR = 3
    confirmed(world.x, "sms", PHONE, [])
    assert all(sms("AIDE") for _ in range(3))
    assert sms("INFO 76600").startswith("Trop de SMS de ce numéro : les suivants restent sans réponse jusqu'à ")
    assert sms("INFO 76600") is None
    assert sms("ODEUR 76600") is None and not Report.objects.exists()
    assert sms("STOP") is None  # no answer past the limit, but STOP still acts
    assert not Subscription.objects.exists()
    assert sms("AIDE", phone="+33698765432")  # another number is not affected


def test_senders_that_are_no_phone_number_are_never_answered(world):
    assert services.receive("Orange", "Votre forfait", "") is None
    assert services.receive("36179", "INFO 76600", "") is None
    assert not Delivery.objects.exists()


def test_answers_go_through_the_outbox_first_and_the_number_is_forgotten_once_sent(world, kannel):
    notice = world.publish(title="Bruit de soupape")  # queues nothing for nobody, but a fan-out may be pending
    services.receive(PHONE, "INFO 76600", "")

    delivery = Delivery.objects.get(kind=MessageKind.SMS_ANSWER)
    assert delivery.priority == 0 and delivery.address == PHONE and delivery.territory == world.x
    assert send_pending().sent == 1

    [sent] = kannel.received
    assert sent["to"] == PHONE and sent["text"].startswith("Le Havre : ")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.address == ""
    assert notice.pk


def test_the_kannel_and_twilio_hooks_answer_nothing_themselves(world, client, settings):
    settings.RELAY_INBOUND_SMS_TOKEN = "inbound-secret"
    response = client.get("/relais/sms/entrant", {"from": "0612345678", "text": "Info Harfleur", "token": "inbound-secret"})
    assert response.status_code == 200 and response.content == b""
    assert Delivery.objects.get(kind=MessageKind.SMS_ANSWER).payload["text"].startswith("Harfleur : ")


def test_a_territory_s_own_number_only_knows_its_communes(world, client, settings):
    settings.SMS_INBOUND_NUMBERS = "seine-estuaire=06 39 98 00 76, etang-de-berre=06 39 98 00 13"
    settings.SMS_INBOUND_NUMBER = "06 39 98 00 00"
    answer = transactional.build(services.receive(PHONE, "INFO Martigues", "", "+33639980076"))
    assert answer.startswith("Aucune commune suivie par ce service ne correspond à MARTIGUES.")
    # Through Kannel's sms-service, the receiving number in &to=%P.
    settings.RELAY_INBOUND_SMS_TOKEN = "inbound-secret"
    client.get("/relais/sms/entrant", {"from": PHONE, "to": "0639980013", "text": "info martigues", "token": "inbound-secret"})
    last = Delivery.objects.filter(kind=MessageKind.SMS_ANSWER).latest("pk")
    assert transactional.build(last).startswith("Martigues : aucune activité")
    assert last.territory == world.y


def test_the_shared_number_knows_every_territory(world, settings):
    settings.SMS_INBOUND_NUMBERS, settings.SMS_INBOUND_NUMBER = "", "06 39 98 00 00"
    assert transactional.build(services.receive(PHONE, "INFO Martigues", "", "+33639980000")).startswith("Martigues : ")


def test_what_the_resident_typed_comes_back_without_control_or_bidi_characters(world):
    answer = sms("\u202eBonj\x00our\x07 76600")
    assert answer.startswith("Mot-clé BONJOUR inconnu.") and answer == gsm.to_gsm(answer)
    assert not any(ord(c) < 32 or c == "\u202e" for c in answer)
    assert sms("\ufeffINFO \u202eHarfleur\u202c").startswith("Harfleur : ")  # a BOM, bidi marks: ignored


def test_a_report_by_sms_may_say_how_strong_it_is(world):
    answer = sms("odeur très forte au Havre")
    report = Report.objects.get()
    assert (report.commune.name, report.intensity) == ("Le Havre", 5)
    assert answer.startswith("Merci, signalement enregistré (odeur, Le Havre).")


def test_a_number_that_subscribed_in_english_is_answered_in_english(world):
    confirmed(world.x, "sms", PHONE, [], language="en")
    answer = sms("INFO 76600")
    assert answer == ("Le Havre: no activity announced by the industrial sites right now. This service informs, "
                      f"it does not alert. Details: {SITE}/en/seine-estuaire/")
    assert gsm.segments(sms("AIDE")) == 1
