"""The phone line's English key (issue 16), through the caller simulator: the menu offers it in
English, 8 plays the structured summary read by eSpeak NG's English voice (8 kHz µ-law), then
the menu again; * repeats it."""
import pytest

from voice import english
from voice.models import Call

from .simulator import TIMEOUT, Provider
from .test_ivr import X_NUMBER, assert_phone_audio, line  # noqa: F401 (line: a fixture)

pytestmark = pytest.mark.django_db


def english_plays(conversation):
    return [a for a in conversation.played if "/anglais/resume.wav" in a.url]


def test_the_menu_offers_english_and_eight_plays_the_summary(line, client):
    conversation = Provider(client).call(X_NUMBER, keys=["8", "*", TIMEOUT, TIMEOUT])
    assert conversation.said_in_english[0] == "For a summary in English, press 8."  # in the menu, in English
    assert_phone_audio(conversation)
    assert len(english_plays(conversation)) == 2  # 8, then * repeats it
    transcript = english.ensure_english(line.x).with_suffix(".txt").read_text()
    assert "What should I do? Nothing: this is not an alert." in transcript
    assert "Flaring: Raffinerie de Gonfreville, Gonfreville-l'Orcher (ongoing)." in transcript
    assert Call.objects.get().choices == ["8", "*", "timeout", "timeout"]
