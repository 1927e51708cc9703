"""The phone line's English key (issue 16): the structured summary of the current and planned
notices, read by eSpeak NG's English voice.

Nothing is machine-translated: each notice is its summary (notices.summary, from the gettext
catalogue: category, site, times, perceptions, what to do), and the recording says that the
details are in French. The audio is made on the first call after a change and kept under the
territory's voice directory, named by a hash of its text: callers share it until a notice
changes (the text has absolute times, so it changes only when the notices do)."""
import hashlib
import tempfile
from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notices.models import Notice
from notices.summary import summarize_notice

from . import conf
from .services import convert, territory_dir, territory_lock, write_atomically
from .tts import EspeakEngine

LANGUAGE = "en"


def english_text(territory, now=None):
    """What the English key says, in English (from the catalogue), what to do first for each notice."""
    now = now or timezone.now()
    base = Notice.objects.filter(territory=territory).select_related("site__commune").prefetch_related("communes")
    current = list(base.active(now).order_by("starts_at", "pk"))
    planned = list(base.upcoming(now).order_by("starts_at", "pk"))
    with translation.override(LANGUAGE):
        parts = [_("Résumé en anglais des informations des sites industriels de %(name)s. "
                   "Ceci est une information, pas une alerte.") % {"name": territory.name}]
        if not current:
            parts.append(_("Aucune activité n'est annoncée en ce moment."))
        for number, notice in enumerate(current, 1):
            parts.append(_("Activité %(number)d.") % {"number": number})
            parts.append(summarize_notice(notice, LANGUAGE, now=now).text(note=False))
        for notice in planned:
            parts.append(_("Opération prévue."))
            parts.append(summarize_notice(notice, LANGUAGE, now=now).text(note=False))
        parts.append(_("Seul ce résumé est traduit : les détails sont en français. Heures de Paris. "
                       "Si la sirène retentit, mettez-vous à l'abri et suivez les consignes des autorités."))
    return "\n".join(parts)


def prompt_text():
    """Said inside the French menu, in English: how to reach this."""
    with translation.override(LANGUAGE):
        return _("Pour un résumé en anglais, appuyez sur 8.")


def ensure_english(territory, now=None):
    """The phone file (8 kHz µ-law WAV) of the English summary, made if its text changed."""
    return _ensure(territory, "summary", english_text(territory, now))


def ensure_prompt(territory):
    return _ensure(territory, "prompt", prompt_text())


def _ensure(territory, name, text):
    digest = hashlib.sha256(f"{conf.espeak_english_voice()}\n{text}".encode()).hexdigest()[:16]
    directory = territory_dir(territory) / "english"
    target = directory / f"{name}-{digest}.wav"
    if target.exists():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    with territory_lock(territory):
        if not target.exists():
            with tempfile.TemporaryDirectory(prefix=".work-", dir=directory) as workdir:
                spoken = Path(workdir) / "speech.wav"
                spoken.write_bytes(EspeakEngine(voice=conf.espeak_english_voice()).synthesize(text))
                convert([spoken], "mulaw", target)
            write_atomically(directory / f"{name}-{digest}.txt", text.encode("utf-8"))
            for old in directory.glob(f"{name}-*"):  # earlier versions: no call plays them any more
                if old.stem != target.stem:
                    old.unlink(missing_ok=True)
    return target
