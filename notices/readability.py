"""Readability suggestions for an operator's text, shown in the console's preview (issue 16).

Residents read notices on a phone, often in a hurry, and many read French with difficulty. The
check points at what plain-language guides (FALC, « facile à lire et à comprendre ») warn
about: long sentences, long words, and plant jargon, each with a plainer wording. They are
suggestions only: nothing here ever blocks publishing (the operator knows their plant and
sometimes needs the exact word), so this module returns advice, never raises."""
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _, gettext_lazy

# Words per sentence beyond which a sentence is hard to read at once (FALC guides say 15 to
# 20; 20 leaves room for a time and a place).
SENTENCE_WORDS = 20
# Letters beyond which a word is long (names, which start with a capital, are left alone).
WORD_LETTERS = 13

SENTENCE = re.compile(r"[^.!?…\n]+(?:[.!?…]+|\n|$)")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

# Jargon seen in notices, with a plain wording: (pattern, term as written in the suggestion,
# plain wording). The wordings stay French whatever the console's language, as the notice does.
# Acronyms are matched in capitals only ("cov" is not COV); chemical formulas with or without
# subscript digits (H₂S, H2S).
GLOSSARY = [
    (re.compile(r"\btorch[èe]res?\b", re.I), "torchère", "la torche : une haute cheminée où brûle une flamme"),
    (re.compile(r"\bCOVs?\b"), "COV", "des vapeurs de produits chimiques (composés organiques volatils)"),
    (re.compile(r"\bH\s?[2₂]\s?S\b"), "H₂S", "un gaz qui sent l'œuf pourri (sulfure d'hydrogène)"),
    (re.compile(r"\bSO\s?[2₂]\b"), "SO₂", "un gaz à l'odeur piquante (dioxyde de soufre)"),
    (re.compile(r"\bNOx\b"), "NOx", "des gaz de combustion (oxydes d'azote)"),
    (re.compile(r"\bmercaptans?\b", re.I), "mercaptan", "un produit à l'odeur de gaz ou de chou pourri"),
    (re.compile(r"\bhydrocarbures?\b", re.I), "hydrocarbure", "du pétrole ou du gaz"),
    (re.compile(r"\bvapocraqueur\b", re.I), "vapocraqueur", "l'unité qui fabrique les bases des plastiques"),
    (re.compile(r"\bdégazage\b", re.I), "dégazage", "le gaz est vidé d'un réservoir ou d'un tuyau"),
    (re.compile(r"\bsoupapes?\b", re.I), "soupape", "une valve de sécurité"),
    (re.compile(r"\beffluents?\b", re.I), "effluent", "des rejets (eaux ou gaz)"),
    (re.compile(r"\bPOI\b"), "POI", "le plan de secours interne du site"),
    (re.compile(r"\bPPI\b"), "PPI", "le plan de secours autour du site, dirigé par la préfecture"),
    (re.compile(r"\bICPE\b"), "ICPE", "un site industriel contrôlé par l'État"),
    (re.compile(r"\bDREAL\b"), "DREAL", "le service de l'État qui contrôle les usines"),
    (re.compile(r"\bPM\s?(?:10|2[.,]5)\b"), "PM10", "des poussières très fines"),
]

# The fields checked, in the form's order, with their label.
FIELDS = [
    ("title", gettext_lazy("Titre")),
    ("what_to_do", gettext_lazy("Que dois-je faire ?")),
    ("body", gettext_lazy("Texte")),
    ("impact", gettext_lazy("Incidence pour les riverains")),
]


@dataclass(frozen=True)
class Suggestion:
    field: str
    field_label: str
    kind: str  # "sentence", "word" or "jargon"
    message: str


def check(texts):
    """Suggestions for `texts` ({field: text}), in the form's order; an empty list when the text
    reads easily. Never raises, never refuses."""
    suggestions = []
    for name, label in FIELDS:
        text = str(texts.get(name) or "")
        if text.strip():
            suggestions += [Suggestion(name, str(label), kind, message) for kind, message in _check_text(text)]
    return suggestions


def _check_text(text):
    found = []
    for sentence in SENTENCE.findall(text):
        words = WORD.findall(sentence)
        if len(words) > SENTENCE_WORDS:
            found.append(("sentence", _(
                "Une phrase de %(count)d mots (« %(start)s… ») : coupez-la en phrases de %(limit)d mots au plus."
            ) % {"count": len(words), "start": " ".join(words[:6]), "limit": SENTENCE_WORDS}))
    jargon = set()
    for pattern, term, plain in GLOSSARY:
        if pattern.search(text):
            jargon.add(term.lower())
            found.append(("jargon", _("« %(term)s » : expliquez-le, par exemple « %(plain)s ».") % {"term": term, "plain": plain}))
    long_words = []
    for word in WORD.findall(text):
        word = re.split("['’]", word)[-1]  # "d'intervention" is "intervention"
        letters = sum(c.isalpha() for c in word)
        if letters >= WORD_LETTERS and not word[0].isupper() and word.lower() not in long_words and \
                not any(word.lower().startswith(term) for term in jargon):
            long_words.append(word.lower())
    if long_words:
        found.append(("word", _("Mots longs : %(words)s. Un mot plus court ou une explication aide à lire vite.")
                      % {"words": ", ".join(f"« {w} »" for w in long_words)}))
    return found
