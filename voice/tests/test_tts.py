import os
import stat

import pytest

from voice.models import Engine, VoiceSettings
from voice.services import regenerate_bulletin
from voice.tts import EspeakEngine, PiperEngine, SpeechError, engine_for


def test_espeak_speaks_french_into_a_wav_file():
    data = EspeakEngine().synthesize("Bonjour, ceci est un essai.")
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert len(data) > 10_000


def test_text_starting_with_a_dash_is_spoken_not_taken_as_an_option():
    assert len(EspeakEngine().synthesize("--help -w /tmp/x")) > 10_000


@pytest.mark.django_db
def test_espeak_is_the_default_engine(world, voice):
    assert isinstance(engine_for(world.x), EspeakEngine)


@pytest.mark.django_db
def test_a_configured_piper_model_selects_piper(world, voice, tmp_path):
    voice.PIPER_MODEL = str(tmp_path / "fr_FR-siwis-medium.onnx")
    engine = engine_for(world.x)
    assert isinstance(engine, PiperEngine) and engine.model.endswith("siwis-medium.onnx")


@pytest.mark.django_db
def test_a_territory_may_keep_espeak_or_use_its_own_piper_model(world, voice):
    voice.PIPER_MODEL = "/models/server.onnx"
    VoiceSettings.objects.create(territory=world.x, engine=Engine.ESPEAK)
    VoiceSettings.objects.create(territory=world.y, engine=Engine.PIPER, piper_model="/models/berre.onnx")
    assert isinstance(engine_for(world.x), EspeakEngine)
    assert engine_for(world.y).model == "/models/berre.onnx"


@pytest.mark.django_db
def test_piper_chosen_without_a_model_says_what_is_missing(world, voice):
    VoiceSettings.objects.create(territory=world.x, engine=Engine.PIPER)
    with pytest.raises(SpeechError, match="aucun modèle de voix n'est configuré"):
        engine_for(world.x)


def test_piper_without_its_binary_fails_clearly(tmp_path):
    engine = PiperEngine(str(tmp_path / "voice.onnx"), binary="piper-not-installed-here")
    with pytest.raises(SpeechError, match="Piper est introuvable"):
        engine.synthesize("Bonjour")


def test_piper_without_its_model_fails_clearly(tmp_path):
    engine = PiperEngine(str(tmp_path / "missing.onnx"), binary=_fake_piper(tmp_path))
    with pytest.raises(SpeechError, match="Modèle de voix Piper introuvable"):
        engine.synthesize("Bonjour")


def _fake_piper(tmp_path):
    """A stand-in for the piper binary with its command line (--model, --output_file, text on
    stdin), speaking through espeak so that the output is real audio."""
    script = tmp_path / "piper"
    script.write_text(
        "#!/bin/sh\n"
        'while [ $# -gt 0 ]; do case "$1" in --model) model="$2"; shift 2;; --output_file) out="$2"; shift 2;; *) shift;; esac; done\n'
        'test -f "$model" || exit 3\n'
        'echo "$model" >> "$(dirname "$0")/calls.log"\n'
        'exec espeak-ng -v fr-fr -w "$out" --stdin\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.mark.django_db
def test_a_bulletin_is_spoken_by_piper_when_it_is_configured(world, voice, tmp_path):
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"model")
    voice.PIPER_MODEL, voice.PIPER_BINARY = str(model), _fake_piper(tmp_path)
    bulletin = regenerate_bulletin(world.x)
    assert bulletin.engine == "piper"
    assert (tmp_path / "calls.log").read_text().count(str(model)) >= 5
    assert os.path.getsize(tmp_path / "media" / "voice" / "seine-estuaire" / "bulletin.wav") > 10_000


@pytest.mark.django_db
def test_a_missing_piper_falls_back_to_espeak_so_the_line_is_never_silent(world, voice, tmp_path):
    voice.PIPER_MODEL, voice.PIPER_BINARY = str(tmp_path / "voice.onnx"), "piper-not-installed-here"
    bulletin = regenerate_bulletin(world.x)
    assert bulletin.engine == "espeak"
    assert os.path.getsize(tmp_path / "media" / "voice" / "seine-estuaire" / "bulletin.wav") > 10_000
