"""Reading what a resident typed on their phone: a keyword, then a commune by postcode or name.

Pure functions, no database. Accents, case, punctuation and extra spaces are ignored:
"  fumée 76 600 " is FUMEE 76600; "Info St-Jouin" is INFO SAINT JOUIN. The keyword is the first
word; everything after it names the commune: a postcode, a name, or both ("INFO 76700 GONFREVILLE"
picks one commune among those sharing a postcode)."""
import re
import unicodedata
from dataclasses import dataclass

INFO, REPORT, SUBSCRIBE, STOP, HELP, UNKNOWN = "info", "report", "subscribe", "stop", "help", "unknown"

# Report kinds are reports.models.ReportKind values (kept as strings: parsing needs no database).
REPORT_WORDS = {
    "odeur": "odour", "odeurs": "odour",
    "bruit": "noise", "bruits": "noise",
    "fumee": "smoke_steam", "fumees": "smoke_steam", "vapeur": "smoke_steam",
    "lumiere": "light", "lumieres": "light", "lueur": "light",
    "vibration": "vibration", "vibrations": "vibration",
    "flamme": "flame", "flammes": "flame", "torchere": "flame",
}
KEYWORDS = {
    **{word: INFO for word in ("info", "infos", "information", "informations")},
    **{word: SUBSCRIBE for word in ("abo", "abonnement", "abonner", "inscription")},
    # The words relay.hooks.STOP_WORDS understood before the keywords, and English SMS's "STOP=unsubscribe".
    **{word: STOP for word in ("stop", "arret", "stopsms", "desabonnement", "desabo", "unsubscribe")},
    **{word: HELP for word in ("aide", "help", "menu", "?")},
    **{word: REPORT for word in REPORT_WORDS},
}
# How strong, for a report ("ODEUR FORTE 76600"): reports.models.Intensity values; "tres" raises one step.
INTENSITY_WORDS = {"faible": 2, "legere": 2, "leger": 2, "nette": 3, "net": 3, "moyenne": 3, "moyen": 3,
                   "forte": 4, "fort": 4, "extreme": 5, "insupportable": 5}
# Words residents put before the place ("odeur a Harfleur", "info pour le 76600"): no commune's
# name starts with one of them.
LEADING_FILLERS = {"a", "au", "aux", "pour", "sur", "pres", "de", "du", "vers", "commune", "ville", "cp"}
# What residents abbreviate in commune names.
ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
POSTCODE = re.compile(r"^\d{5}$")
GLUED = re.compile(r"^([a-z]+)(\d)")  # "INFO76600"
SPLIT_POSTCODE = re.compile(r"\b(\d{2}) (\d{3})\b")  # "76 600", as printed on some letters


@dataclass(frozen=True)
class Command:
    keyword: str  # INFO, REPORT, SUBSCRIBE, STOP, HELP or UNKNOWN
    word: str = ""  # the first word as folded ("fumee"), to quote it back
    kind: str = ""  # for REPORT: the ReportKind value
    postcode: str = ""
    name: str = ""  # folded: lower case, no accents, single spaces
    bad_number: str = ""  # digits that are no postcode ("7660"), to say so
    intensity: int = 0  # for REPORT: 1 to 5 when typed, else 0 (the service's default)

    @property
    def has_place(self):
        return bool(self.postcode or self.name or self.bad_number)


def fold(text):
    """Lower case, no accents, hyphens and apostrophes as spaces, single spaces: the form in which
    typed words and commune names are compared ("Saint-Étienne-du-Rouvray" → "saint etienne du rouvray")."""
    text = unicodedata.normalize("NFKD", text or "")
    # Blanks (tab, line feed…) as spaces; other control and format characters (NUL, a phone's bidi
    # mark, a BOM) as nothing: "\ufeffINFO" is INFO.
    text = "".join(" " if c.isspace() else "" if unicodedata.category(c) in ("Cc", "Cf") else c
                   for c in text if not unicodedata.combining(c)).lower().replace("œ", "oe").replace("æ", "ae")
    text = re.sub(r"\bs/", "sur ", text)  # "Gonfreville-l'Orcher s/ Seine"
    text = re.sub(r"[-'’_.,;:!()\"«»/]+", " ", text)
    return " ".join(text.split())


def fold_query(text):
    """`fold`, with the abbreviations residents type spelled out ("st jouin" → "saint jouin")."""
    return " ".join(ABBREVIATIONS.get(word, word) for word in fold(text).split())


def parse(text):
    """The Command an SMS asks for."""
    raw = (text or "").strip()
    if raw.startswith("?"):
        return Command(HELP, "?")
    words = GLUED.sub(r"\1 \2", fold(raw)).split(" ", 1)
    word = words[0] if words and words[0] else ""
    if not word:
        return Command(HELP)
    keyword = KEYWORDS.get(word, UNKNOWN)
    rest = fold_query(SPLIT_POSTCODE.sub(r"\1\2", words[1])) if len(words) > 1 else ""
    postcode, bad_number, name = "", "", []
    tokens = rest.split()
    intensity = 0
    if keyword == REPORT:
        tokens, intensity = _intensity(tokens)
    for token in tokens:
        if POSTCODE.match(token) and not postcode:
            postcode = token
        elif token.isdigit():
            bad_number = bad_number or token
        else:
            name.append(token)
    while name and name[0] in LEADING_FILLERS:
        name = name[1:]
    if name and name[0] == "le" and postcode and len(name) == 1:  # "info le 76600"
        name = []
    return Command(keyword, word, REPORT_WORDS.get(word, ""), postcode, " ".join(name), "" if postcode else bad_number,
                   intensity)


def _intensity(tokens):
    """(tokens without the intensity words, the intensity typed or 0): "tres forte" is 5."""
    kept, intensity = [], 0
    for i, token in enumerate(tokens):
        if token in INTENSITY_WORDS:
            intensity = INTENSITY_WORDS[token]
            if kept and kept[-1] == "tres":
                kept.pop()
                intensity = min(5, intensity + 1)
        else:
            kept.append(token)
    return kept, intensity
