"""Which commune an SMS names, among those the published territories cover.

A postcode may be shared by several communes (76700: Harfleur, Gonfreville-l'Orcher…) and a name
by several places, or match the start of several names ("saint"): then the resident gets the
choices. A name matches a commune when it is the whole folded name, else when its words start
the name's words ("gonfreville" → Gonfreville-l'Orcher, "st jouin" → Saint-Jouin-Bruneval)."""
import difflib
from dataclasses import dataclass, field

from territories.models import Commune, Territory

from .parsing import fold


@dataclass
class Place:
    """The outcome of a lookup: one commune (with the territories covering it), several, or none."""

    communes: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)  # near spellings when none matched

    @property
    def commune(self):
        return self.communes[0] if len(self.communes) == 1 else None


def covered(territory_slug=""):
    """Communes of the published territories (of one, when the SMS came to that territory's number)."""
    territories = Territory.objects.published()
    if territory_slug:
        territories = territories.filter(slug=territory_slug)
    return Commune.objects.filter(territories__in=territories).distinct().order_by("name", "code")


def find(command, territory_slug=""):
    communes = list(covered(territory_slug))
    found = communes
    if command.postcode:
        found = [c for c in found if command.postcode in c.postcode_list]
    if command.name:
        found = _by_name(found, command.name)
    if found or not command.name:
        return Place(found if (command.postcode or command.name) else [])
    names = {fold(c.name): c for c in communes}
    close = difflib.get_close_matches(command.name, list(names), n=3, cutoff=0.75)
    return Place([], [names[n] for n in close])


def _by_name(communes, name):
    exact = [c for c in communes if fold(c.name) == name]
    if exact:
        return exact
    typed = name.split()
    return [c for c in communes if _words_start(fold(c.name).split(), typed)]


def _words_start(words, typed):
    """Whether the typed words start consecutive words of the name ("havre" in "le havre")."""
    for i in range(len(words) - len(typed) + 1):
        if all(words[i + j].startswith(t) for j, t in enumerate(typed)):
            return True
    return False


def territories_of(commune, territory_slug=""):
    """The published territories covering the commune, the SMS's own territory only when it has one."""
    territories = Territory.objects.published().filter(communes=commune)
    if territory_slug:
        territories = territories.filter(slug=territory_slug)
    return list(territories.order_by("name", "pk"))


def territory(slug):
    """The published territory whose own number received the SMS, or None."""
    return Territory.objects.published().filter(slug=slug).first() if slug else None


def territory_of_number(receiver):
    """The slug of the one published territory whose own SMS number (SMS_INBOUND_NUMBERS, see
    notices.town_hall.sms_number) received the SMS; "" for the shared number or an unknown one."""
    from notices.town_hall import sms_number

    wanted = _digits(receiver)
    if not wanted:
        return ""
    matching = [t.slug for t in Territory.objects.published() if _digits(sms_number(t)) == wanted]
    return matching[0] if len(matching) == 1 else ""


def _digits(number):
    """'06 39 98 00 76', '+33639980076' and '0033639980076' alike; short codes as they are."""
    digits = "".join(c for c in (number or "") if c.isdigit() or c == "+")
    for prefix in ("+33", "0033"):
        if digits.startswith(prefix):
            return "0" + digits[len(prefix):]
    return digits
