"""Text-to-speech behind one small interface: `engine.synthesize(text) -> WAV bytes`.

eSpeak NG (Debian package espeak-ng) is always there and is the default; Piper sounds far more
natural and is used when a voice model is configured, for the whole server (PIPER_MODEL) or for
one territory (VoiceSettings). Text goes to the engines on standard input, never on the command
line, so that nothing an operator writes can become an option."""
import logging
import os
import shutil
import subprocess
import tempfile

from django.utils.translation import gettext as _

from . import conf

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 120


class SpeechError(RuntimeError):
    """The engine cannot speak: missing binary or model, or it failed."""


class Engine:
    name = ""

    def synthesize(self, text, voice=None):  # pragma: no cover - interface
        raise NotImplementedError


def _run(command, text):
    try:
        subprocess.run(command, input=text.encode("utf-8"), check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
    except FileNotFoundError as e:
        raise SpeechError(_("Programme de synthèse vocale introuvable : %(name)s.") % {"name": command[0]}) from e
    except subprocess.CalledProcessError as e:
        detail = e.stderr.decode("utf-8", "replace").strip()[:300]
        raise SpeechError(_("La synthèse vocale a échoué : %(detail)s") % {"detail": detail}) from e
    except subprocess.TimeoutExpired as e:
        raise SpeechError(_("La synthèse vocale a dépassé le temps imparti.")) from e


def _synthesize_to_bytes(build_command, text):
    with tempfile.TemporaryDirectory(prefix="riverains-tts-") as tmp:
        out = os.path.join(tmp, "speech.wav")
        _run(build_command(out), text)
        with open(out, "rb") as f:
            return f.read()


class EspeakEngine(Engine):
    name = "espeak"

    def __init__(self, voice=None, rate=None):
        self.voice = voice or conf.espeak_voice()
        self.rate = rate or conf.espeak_rate()

    def synthesize(self, text, voice=None):
        binary = conf.espeak_binary()
        return _synthesize_to_bytes(
            lambda out: [binary, "-v", voice or self.voice, "-s", str(self.rate), "-w", out, "--stdin"], text
        )


class PiperEngine(Engine):
    name = "piper"

    def __init__(self, model, binary=None):
        self.model = model
        self.binary = binary or conf.piper_binary()

    def check(self):
        """Refuse to start without its binary or model, saying which one is missing."""
        if not shutil.which(self.binary):
            raise SpeechError(
                _("Piper est introuvable (%(binary)s) : installez-le ou réglez PIPER_BINARY.") % {"binary": self.binary}
            )
        if not os.path.isfile(self.model):
            raise SpeechError(_("Modèle de voix Piper introuvable : %(path)s.") % {"path": self.model})

    def synthesize(self, text, voice=None):
        self.check()
        # Piper reads one sentence per line; a paragraph on one line is fine.
        return _synthesize_to_bytes(
            lambda out: [self.binary, "--model", voice or self.model, "--output_file", out], text.replace("\n", " ")
        )


def engine_for(territory):
    """The engine a territory's bulletin is spoken with (its VoiceSettings, else automatic)."""
    from .models import Engine as Choice, VoiceSettings

    settings_row = VoiceSettings.objects.filter(territory=territory).first()
    choice = settings_row.engine if settings_row else Choice.AUTO
    model = (settings_row.piper_model if settings_row else "") or conf.piper_model()
    if choice == Choice.ESPEAK:
        return EspeakEngine()
    if choice == Choice.PIPER and not model:
        raise SpeechError(_("Piper est choisi mais aucun modèle de voix n'est configuré (PIPER_MODEL)."))
    if model and choice in (Choice.PIPER, Choice.AUTO):
        return PiperEngine(model)
    return EspeakEngine()
