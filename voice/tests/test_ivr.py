import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from notices.models import Notice
from voice.models import Call
from voice.phone import caller_hash, territory_for_number, to_e164
from voice.services import regenerate_bulletin

from .simulator import TIMEOUT, Provider

pytestmark = pytest.mark.django_db
X_NUMBER = "+33800007600"  # the world's "0 800 00 76 00"


@pytest.fixture
def line(world, voice):
    now = timezone.now()
    world.publish(title="Torchage sur la raffinerie", starts_at=now - timedelta(minutes=20), expected_end_at=now + timedelta(hours=3))
    world.publish(title="Essai de sirène mensuel", category="essai_sirene", perceptions=["audible"],
                  starts_at=now + timedelta(days=1), expected_end_at=now + timedelta(days=1, minutes=15))
    regenerate_bulletin(world.x)
    return world


def assert_phone_audio(conversation):
    assert conversation.played, "nothing was played"
    for audio in conversation.played:
        assert (audio.sample_rate, audio.channels, audio.encoding) == (8000, 1, "u-law"), audio.url
        assert audio.rms > 0.01, f"{audio.url} is silent"


def played_parts(conversation):
    return [a.url.split("/rubriques/")[1].split(".wav")[0] for a in conversation.played]


def test_a_caller_hears_the_greeting_then_each_choice_of_the_menu(line, client):
    conversation = Provider(client).call(X_NUMBER, keys=["4", "2", "9", "*", TIMEOUT, TIMEOUT])
    assert_phone_audio(conversation)
    assert played_parts(conversation) == [
        "intro", "menu", "current", "menu", "planned", "menu", "info", "menu", "info", "menu", "menu"
    ]
    assert "Je n'ai pas entendu votre choix." in conversation.heard
    assert conversation.heard.endswith("Au revoir.") and conversation.hung_up
    call = Call.objects.get()
    assert call.territory == line.x
    assert call.choices == ["4", "2", "9", "*", "timeout", "timeout"]


def test_the_first_thing_heard_is_the_count_and_a_line_per_current_notice_within_ten_seconds(line, client):
    conversation = Provider(client).call(X_NUMBER, keys=[TIMEOUT, TIMEOUT])
    bulletin = line.x.bulletins.first()
    intro = bulletin.sections["intro"]
    assert intro.startswith("Bonjour, ici la ligne des riverains de Seine-Estuaire. Ce service informe, il n'alerte pas. "
                            "En ce moment, une activité : torchage à la Raffinerie de Gonfreville, jusqu'à ")
    assert "Une opération est prévue dans les prochains jours." in intro
    # Measured in the recording the caller is played first (espeak-ng, 8 kHz).
    assert played_parts(conversation)[0] == "intro"
    assert 3 < bulletin.files["intro.wav"]["first_notice_at"] < 10
    assert conversation.played[0].duration == pytest.approx(bulletin.files["intro.wav"]["duration"], abs=1)


def test_the_short_bulletin_of_ten_current_notices_lasts_under_a_minute(world, voice, client):
    now = timezone.now()
    for n in range(10):
        world.publish(title=f"Torchage {n}", site=world.site_a if n % 2 else world.site_b,
                      starts_at=now - timedelta(minutes=20 + n), expected_end_at=now + timedelta(hours=2, minutes=5 * n))
    bulletin = regenerate_bulletin(world.x)
    assert bulletin.sections["intro"].count(" ; ") == 9  # ten lines
    assert bulletin.files["intro.wav"]["duration"] <= 60
    assert bulletin.files["intro.wav"]["first_notice_at"] < 10
    conversation = Provider(client).call(X_NUMBER, keys=[TIMEOUT, TIMEOUT])
    assert conversation.played[0].duration <= 61


def test_one_notice_in_full_by_its_number(world, voice, client):
    now = timezone.now()
    first = world.publish(title="Torchage sur la raffinerie", starts_at=now - timedelta(minutes=30),
                          expected_end_at=now + timedelta(hours=3))
    second = world.publish(title="Bruit de soupape", category="bruit", perceptions=["audible"], site=world.site_b,
                           starts_at=now - timedelta(minutes=10), expected_end_at=now + timedelta(hours=1))
    regenerate_bulletin(world.x)
    conversation = Provider(client).call(X_NUMBER, keys=["1", "2", TIMEOUT, TIMEOUT])
    assert "Tapez le numéro de l'activité, de 1 à 2, puis dièse." in conversation.said
    assert played_parts(conversation)[:3] == ["intro", "menu", f"notice-{second.pk}"]
    assert_phone_audio(conversation)
    bulletin = world.x.bulletins.first()
    assert "Bruit de soupape." in bulletin.sections[f"notice-{second.pk}"]
    assert bulletin.sections["current_order"] == f"{first.pk} {second.pk}"
    assert Call.objects.get().choices[:2] == ["1", "1:numéro"]


def test_a_number_that_is_no_activity_is_said_so(line, client):
    conversation = Provider(client).call(X_NUMBER, keys=["1", TIMEOUT, TIMEOUT])
    # One activity only: heard at once, no number to type.
    assert played_parts(conversation)[:3] == ["intro", "menu", f"notice-{Notice.objects.get(status='ongoing').pk}"]


def test_a_communes_activities_by_its_postcode(line, client):
    conversation = Provider(client).call(X_NUMBER, keys=["3", "76700", TIMEOUT, TIMEOUT])
    assert "Tapez les 5 chiffres du code postal de votre commune." in conversation.said
    said = next(text for text in conversation.said if text.startswith("Pour "))
    assert said.startswith("Pour Gonfreville-l'Orcher et Harfleur : une activité en ce moment : "
                           "torchage à la Raffinerie de Gonfreville, jusqu'à ")
    assert "une opération prévue :" in said and "essai de sirène" in said
    conversation = Provider(client).call(X_NUMBER, keys=["3", "13500", TIMEOUT, TIMEOUT], sid="CA0002")
    assert "Aucune commune du territoire n'a le code postal 1 3 5 0 0." in conversation.said
    conversation = Provider(client).call(X_NUMBER, keys=["3", "76133", TIMEOUT, TIMEOUT], sid="CA0003")
    assert "Pour Épouville, rien n'est annoncé en ce moment ni dans les prochains jours." in conversation.said


def test_the_played_audio_is_the_current_bulletin(line, client):
    conversation = Provider(client).call(X_NUMBER, keys=["4"])
    current = next(a for a in conversation.played if "/current.wav" in a.url)
    bulletin = line.x.bulletins.first()
    assert abs(current.duration - bulletin.files["current.wav"]["duration"]) < 1
    assert "Torchage sur la raffinerie." in bulletin.sections["current"]
    assert "Essai de sirène mensuel." in bulletin.sections["planned"]


def test_star_repeats_and_zero_comes_back_to_the_menu(line, client):
    conversation = Provider(client).call(X_NUMBER, keys=["2", "*", "0"])
    assert played_parts(conversation)[:6] == ["intro", "menu", "planned", "menu", "planned", "menu"]
    assert played_parts(conversation)[6] == "menu"


def test_silence_gets_the_menu_once_more_then_a_polite_goodbye(line, client):
    conversation = Provider(client).call(X_NUMBER, keys=[])
    assert played_parts(conversation) == ["intro", "menu", "menu"]
    assert conversation.said == [
        "Je n'ai pas entendu votre choix.",
        "Merci de votre appel. Les informations sont aussi sur le site internet du territoire. Au revoir.",
    ]
    assert conversation.hung_up


def test_a_wrong_key_is_explained_and_the_menu_offered_again(line, client):
    conversation = Provider(client).call(X_NUMBER, keys=["7", "4"])
    assert conversation.said[0] == "Cette touche ne correspond à aucun choix."
    assert played_parts(conversation)[:4] == ["intro", "menu", "menu", "current"]
    assert Call.objects.get().choices[:2] == ["invalid", "4"]


def test_a_caller_pressing_wrong_keys_is_not_kept_forever(line, client):
    conversation = Provider(client).call(X_NUMBER, keys=["7", "6", "#"])  # (8 is English: issue 16)
    assert conversation.said.count("Cette touche ne correspond à aucun choix.") == 2
    assert conversation.hung_up and conversation.heard.endswith("Au revoir.")


def test_an_unknown_number_is_told_so_and_hung_up(line, client):
    conversation = Provider(client).call("+33899999999")
    assert "Ce numéro n'est associé à aucun territoire" in conversation.heard
    assert conversation.hung_up
    assert not Call.objects.exists()


@pytest.mark.parametrize("called", ["0 800 00 76 00", "+33 8 00 00 76 00", "0033800007600", "+33800007600"])
def test_the_called_number_selects_the_territory_in_any_spelling(world, called):
    assert to_e164(called) == "+33800007600"
    assert territory_for_number(called) == world.x


def test_the_other_territorys_number_plays_its_own_bulletin(line, client):
    conversation = Provider(client).call("+33800001300", keys=[TIMEOUT, TIMEOUT])
    assert all("/voix/etang-de-berre/" in a.url for a in conversation.played)
    assert Call.objects.get().territory == line.y


def test_without_audio_yet_the_provider_speaks_the_text(world, voice, client):
    world.publish(title="Torchage annoncé", starts_at=timezone.now() - timedelta(minutes=1))
    conversation = Provider(client).call(X_NUMBER, keys=["1"])
    assert not conversation.played
    assert "Bonjour, ici la ligne des riverains de Seine-Estuaire." in conversation.heard
    assert "En ce moment, une activité : torchage à la Raffinerie de Gonfreville" in conversation.heard
    assert "Torchage annoncé." in conversation.heard  # key 1: the one activity in full
    assert "Pour entendre une activité en détail, appuyez sur 1." in conversation.heard


def test_operator_text_is_escaped_in_the_xml(world, voice, client):
    notice = world.publish(starts_at=timezone.now() - timedelta(minutes=1))
    # Services refuse tags; a row changed behind their back must still not break the XML.
    Notice.objects.filter(pk=notice.pk).update(title='Torche "A" <Hangup> & C', body="Débit > 5 <Play>x</Play>")
    conversation = Provider(client).call(X_NUMBER, keys=["1"])
    document = conversation.documents[1]
    assert b"&lt;Hangup&gt;" in document and b"&lt;Play&gt;x&lt; Play&gt;" in document
    says = " ".join(e.text for e in ET.fromstring(document).iter("Say"))
    assert "Torche A <Hangup> et C." in says and "Débit plus de 5 <Play>x< Play>." in says
    assert [verb.tag for verb in ET.fromstring(document)] == ["Say", "Gather", "Redirect"]


def test_a_coordinators_greeting_is_escaped_too(world, voice, client):
    from voice.models import VoiceSettings

    VoiceSettings.objects.create(territory=world.x, greeting="Allo <Industrie> & riverains")
    conversation = Provider(client).call(X_NUMBER, keys=[TIMEOUT, TIMEOUT])
    assert b"Allo &lt;Industrie&gt; et riverains" in conversation.documents[0]


def test_a_request_with_a_bad_signature_is_refused(line, client):
    provider = Provider(client)
    params = {"CallSid": "CA9", "From": "+33612345678", "To": X_NUMBER}
    assert provider.post("/voix/appel", params, signature="bm90IHRoZSBzaWduYXR1cmU=").status_code == 403
    assert client.post("/voix/appel", params).status_code == 403
    assert Provider(client, token="another-token").post("/voix/appel", params).status_code == 403
    assert provider.post("/voix/menu?t=seine-estuaire", {**params, "Digits": "1"}, signature="").status_code == 403
    assert not Call.objects.exists()


def test_a_signature_for_other_parameters_is_refused(line, client, settings):
    from twilio.request_validator import RequestValidator

    from .conftest import TOKEN

    params = {"CallSid": "CA9", "From": "+33612345678", "To": X_NUMBER}
    signature = RequestValidator(TOKEN).compute_signature(settings.SITE_URL + "/voix/appel", params)
    tampered = {**params, "To": "+33800001300"}
    assert client.post("/voix/appel", tampered, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 403
    # …and one for the address as the server sees it behind a proxy, not the public one, too.
    signature = RequestValidator(TOKEN).compute_signature("http://testserver/voix/appel", params)
    assert client.post("/voix/appel", params, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 403


def test_without_a_configured_token_every_webhook_is_refused(line, client, settings):
    settings.VOICE_AUTH_TOKEN = ""
    response = Provider(client, token="").post("/voix/appel", {"CallSid": "CA9", "To": X_NUMBER})
    assert response.status_code == 403


def test_the_webhook_accepts_post_only(line, client):
    assert client.get("/voix/appel").status_code == 405


def test_the_known_twilio_signature_example_validates(settings, rf):
    # Example from Twilio's documentation on webhook security, as a request to our public address.
    from riverains.provider_signature import is_signed

    settings.SITE_URL = "https://mycompany.com"
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234", "From": "+14158675309",
              "To": "+18005551212"}
    request = rf.post("/myapp.php?foo=1&bar=2", params, HTTP_X_TWILIO_SIGNATURE="RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    assert is_signed(request, "12345")
    assert not is_signed(request, "54321")
    # Repeated parameters, as in Twilio's own library tests: every value counts.
    repeated = "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234"
    request = rf.post("/myapp.php?foo=1&bar=2", repeated, content_type="application/x-www-form-urlencoded",
                      HTTP_X_TWILIO_SIGNATURE="IK+Dwps556ElfBT0I3Rgjkr1wJU=")
    assert is_signed(request, "12345")


def test_the_callers_number_is_never_stored_in_clear_and_the_duration_is_recorded(line, client):
    provider = Provider(client)
    provider.call(X_NUMBER, keys=["1"], caller="+33612345678", sid="CA42")
    call = Call.objects.get(call_sid="CA42")
    stored = " ".join(str(getattr(call, f.attname)) for f in Call._meta.fields)
    assert "612345678" not in stored
    assert call.caller_hash == caller_hash("06 12 34 56 78") != caller_hash("+33612345679")
    response = provider.post("/voix/statut", {"CallSid": "CA42", "CallDuration": "73", "CallStatus": "completed"})
    assert response.status_code == 200
    call.refresh_from_db()
    assert (call.duration, call.status) == (73, "completed")
