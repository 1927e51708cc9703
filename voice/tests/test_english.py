"""The phone line's English key (issue 16): the structured summary read by eSpeak NG's English
voice, as an 8 kHz µ-law file for any PBX, made again only when a notice changes."""
from datetime import timedelta

import pytest
from django.utils import timezone

from notices import services
from voice import english
from voice.tts import EspeakEngine
from voice.wording import notice_sentence


@pytest.fixture
def spoken(monkeypatch):
    """The voices eSpeak was asked for (it still speaks: the real engine runs)."""
    voices = []
    synthesize = EspeakEngine.synthesize

    def spy(self, text, voice=None):
        voices.append(voice or self.voice)
        return synthesize(self, text, voice)

    monkeypatch.setattr(EspeakEngine, "synthesize", spy)
    return voices


def ongoing(world, **fields):
    now = timezone.now()
    return world.publish(kind="observed", starts_at=now - timedelta(minutes=30), expected_end_at=now + timedelta(hours=2),
                         **fields)


def test_the_english_text_says_what_to_do_first_for_each_notice(world, voice):
    ongoing(world, category="torchage")
    world.publish(site=world.site_b, category="exercice", perceptions=["audible"],
                  starts_at=timezone.now() + timedelta(days=1), expected_end_at=timezone.now() + timedelta(days=1, hours=1))
    text = english.english_text(world.x)
    assert text.startswith("A summary in English of the industrial sites' information for Seine-Estuaire. "
                           "This is information, not an alert.")
    assert "Activity 1.\nWhat should I do? Nothing: this is not an alert.\nFlaring: Raffinerie de Gonfreville, " \
           "Gonfreville-l'Orcher (ongoing)." in text
    assert "Planned operation.\nWhat should I do? Nothing: this is a drill, not an alert.\nDrill: Usine d'engrais du Havre" in text
    assert text.endswith("follow the authorities' instructions.")
    assert "Une flamme" not in text  # the operator's French text is not read in English


def test_the_english_file_is_a_phone_wav_spoken_by_the_english_voice(world, voice, client, spoken):
    notice = ongoing(world)
    response = client.get(f"/voix/{world.x.slug}/anglais/resume.wav")
    assert response.status_code == 200
    path = english.ensure_english(world.x)
    with open(path, "rb") as f:
        header = f.read(64)
    assert header[:4] == b"RIFF" and int.from_bytes(header[20:22], "little") == 7  # WAVE_FORMAT_MULAW
    assert int.from_bytes(header[24:28], "little") == 8000
    assert spoken == ["en-gb"]
    # The same text is not spoken again; a change makes a new file and drops the old one.
    client.get(f"/voix/{world.x.slug}/anglais/resume.wav")
    assert spoken == ["en-gb"]
    services.end(world.operator_a, notice)
    new = english.ensure_english(world.x)
    assert new != path and not path.exists() and spoken == ["en-gb", "en-gb"]
    assert "No activity is announced at the moment." in new.with_suffix(".txt").read_text()


def test_the_prompt_is_in_english_and_other_names_are_not_found(world, voice, client, spoken):
    assert client.get(f"/voix/{world.x.slug}/anglais/menu.wav").status_code == 200
    assert english.ensure_prompt(world.x).with_suffix(".txt").read_text() == "For a summary in English, press 8."
    assert client.get(f"/voix/{world.x.slug}/anglais/autre.wav").status_code == 404
    assert client.get("/voix/inconnu/anglais/resume.wav").status_code == 404


def test_the_french_bulletin_says_what_to_do_before_the_details(world, voice):
    notice = ongoing(world, what_to_do="Fermez vos fenêtres jusqu'à 18 h.")
    sentence = notice_sentence(notice, timezone.now())
    assert "procède à un torchage. Que faire ? Fermez vos fenêtres jusqu'à 18 heures." in sentence
    assert sentence.index("Que faire ?") < sentence.index(notice.body[:20])
