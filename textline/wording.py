"""The SMS answers, in at most two GSM-7 SMS (306 septets).

Texts are written with their accents: é, è, à, ù are GSM-7 characters; relay.gsm.to_gsm turns
the others (ê, ç, œ, guillemets…) into their plain equivalent, so that an answer never falls back
to UCS-2 (70 characters an SMS). The operator's titles are cut on a word, with "...", and the
link is never cut. Every function returns the final text, already in GSM-7."""
import re

from django.utils import timezone, translation
from django.utils.translation import gettext as _, ngettext

from relay import gsm
from riverains.text import strip_controls

MAX_SEGMENTS = 2
LIMIT = gsm.PART * MAX_SEGMENTS  # 306 septets
GUILLEMETS = re.compile(r"«\s*|\s*»")
SHORTEST_TITLE = 24  # below that a title says nothing: fewer notices, "+N autres"


def clean(text):
    """Typed text (a title, a site's or commune's name) fit for one line of an SMS."""
    text = " ".join(strip_controls(str(text or ""), multiline=False).split())
    return gsm.to_gsm(GUILLEMETS.sub('"', text))  # « fort » → "fort", not " fort "


def shorten(text, limit):
    """Cut on a word boundary with "..." when `text` exceeds `limit` septets."""
    if gsm.length(text) <= limit:
        return text
    cut = gsm.truncate(text, limit)[:-3]
    if " " in cut[len(cut) // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-(") + "..."


def fit(text):
    """The last guard: GSM-7, at most two SMS."""
    return shorten(gsm.to_gsm(text), LIMIT)


def when(moment, now=None):
    """'18h30' today, '03/12 18h30' another day (Paris time); '18:30', '3 Dec 18:30' in English."""
    local, today = timezone.localtime(moment), timezone.localdate(now)
    french = translation.get_language() == "fr"
    clock = local.strftime("%Hh%M" if french else "%H:%M")
    if local.date() == today:
        return clock
    return f"{local:%d/%m} {clock}" if french else f"{local.day} {local:%b} {clock}"


def _squeeze(head, items, tail, more, numbered=True):
    """head + as many items as fit (titles cut to share the room) + tail, within LIMIT.
    `items` are (title, detail) pairs; `more(n)` words the n left out."""
    items = [(clean(t), gsm.to_gsm(d)) for t, d in items]
    head, tail = gsm.to_gsm(head), gsm.to_gsm(tail)
    for shown in range(len(items), 0, -1):
        left = len(items) - shown
        extra = gsm.to_gsm(" " + more(left)) if left else ""
        room = LIMIT - gsm.length(head) - gsm.length(tail) - gsm.length(extra)
        fixed = sum(gsm.length(_number(i, numbered)) + gsm.length(d) + 3 for i, (_t, d) in enumerate(items[:shown]))
        share = (room - fixed) // shown
        if share >= SHORTEST_TITLE or shown == 1:
            lines = [f"{_number(i, numbered)}{shorten(t, max(share, 8))}{d}" for i, (t, d) in enumerate(items[:shown])]
            return fit(head + " ; ".join(lines) + extra + tail)
    return fit(head + tail)


def _number(i, numbered):
    return f"{i + 1}) " if numbered else ""


# --- INFO ------------------------------------------------------------------------------------


def info(commune, current, planned, url, now=None):
    """The notices of a commune: under way first, then planned (soon), each with its site and time."""
    name = clean(commune.name)
    tail = " " + _("Détails : %(url)s") % {"url": url}
    if not current and not planned:
        return fit(_("%(commune)s : aucune activité annoncée par les sites industriels en ce moment. "
                     "Ce service informe, il n'alerte pas.") % {"commune": name} + tail)
    items = [(n.title, _until(n, now)) for n in current] + [(n.title, _from(n, now)) for n in planned]
    parts = []
    if current:
        parts.append(ngettext("%(n)d activité en cours", "%(n)d activités en cours", len(current)) % {"n": len(current)})
    if planned:
        parts.append(ngettext("%(n)d prévue", "%(n)d prévues", len(planned)) % {"n": len(planned)})
    head = f"{name} : {', '.join(parts)}. "
    return _squeeze(head, items, tail, lambda n: ngettext("+%(n)d autre.", "+%(n)d autres.", n) % {"n": n})


def _site(notice):
    return shorten(clean(notice.site.name), 28)


def _until(notice, now):
    end = notice.ended_at or notice.expected_end_at
    if end is None:
        return f" ({_site(notice)})"
    return " (" + _("%(site)s, jusqu'à %(time)s") % {"site": _site(notice), "time": when(end, now)} + ")"


def _from(notice, now):
    return " (" + _("%(site)s, à partir de %(time)s") % {"site": _site(notice), "time": when(notice.starts_at, now)} + ")"


# --- ODEUR, BRUIT… ---------------------------------------------------------------------------


def reported(kind_label, commune, match, url, now=None):
    """The answer to a report: the notice that probably explains it, or that none does yet."""
    head = _("Merci, signalement enregistré (%(kind)s, %(commune)s).") % {
        "kind": str(kind_label).lower(), "commune": clean(commune.name)}
    if match is not None:
        notice = match.notice
        lead = " " + _("Un message publié l'explique probablement :") + " "
        return _squeeze(head + lead, [(notice.title, _until(notice, now))], " " + url, lambda n: "", numbered=False)
    return fit(head + " " + _("Aucun message publié ne l'explique pour l'instant : si d'autres riverains proches "
                              "le signalent, la coordination et les sites sont prévenus. Suivi : %(url)s "
                              "Urgence : 112.") % {"url": url})


def report_refused(message):
    """The reports' own refusal (too many reports from this number…), as the web form says it."""
    return fit(str(message))


# --- ABO -------------------------------------------------------------------------------------


def subscribed(commune, territory, added, manage_url):
    """(text before the manage link, text after it): the link is made when the SMS is sent. The
    link (a signed token, ~130 characters) is never cut: the sentence before it is, if need be."""
    names = {"commune": clean(commune.name), "territory": clean(territory.name)}
    if added:
        lead = _("%(commune)s ajoutée à votre abonnement SMS.") % names
    else:
        lead = _("Abonnement SMS confirmé pour %(commune)s : les messages des sites industriels, sauf de 22h à 7h.") % names
    manage = " " + gsm.to_gsm(_("Gérer : "))
    after = gsm.to_gsm(" " + _("STOP pour vous désabonner."))
    room = LIMIT - gsm.length(manage_url) - gsm.length(after) - gsm.length(manage)
    return shorten(gsm.to_gsm(lead), room) + manage, after


def subscribe_refused(message):
    return fit(str(message))


def subscribe_capped(resets_at, url):
    return fit(_("Trop d'abonnements par SMS en ce moment sur ce territoire : renvoyez ABO après %(time)s, "
                 "ou abonnez-vous sur %(url)s") % {"time": when(resets_at), "url": url})


# --- STOP, AIDE, and what could not be read ---------------------------------------------------


def stopped(removed):
    if removed:
        return fit(_("Vous etes desabonne, vos donnees sont effacees."))
    return fit(_("Aucun abonnement pour ce numero."))


def help_text(url="", unknown_word=""):
    """The keywords, in one SMS: the site's link only when it still fits in it."""
    text = _("INFO 76600 ou INFO HARFLEUR : messages en cours. ODEUR, BRUIT, FUMEE, LUMIERE ou VIBRATION "
             "76600 : signaler. ABO 76600 : s'abonner. STOP : se désabonner.")
    if unknown_word:
        text = _("Mot-clé %(word)s inconnu.") % {"word": shorten(clean(unknown_word.upper()), 20)} + " " + text
    text = gsm.to_gsm(text)
    with_link = f"{text} {url}" if url else text
    return with_link if gsm.segments(with_link) == 1 else fit(text)


def place_missing(word):
    example = word.upper() if word else "INFO"
    return fit(_("Indiquez la commune après %(word)s, par exemple : %(word)s 76600 ou %(word)s HARFLEUR.")
               % {"word": clean(example)})


def place_unknown(command, suggestions):
    typed = clean((command.postcode + " " + command.name).strip().upper() or command.bad_number)
    word = clean(command.word.upper())
    if command.bad_number and not command.postcode:
        return fit(_("%(typed)s n'est pas un code postal (5 chiffres). Exemple : %(word)s 76600.")
                   % {"typed": typed, "word": word})
    if suggestions:
        choices = ", ".join(f"{clean(c.name)} ({c.postcode_list[0] if c.postcode_list else c.code})" for c in suggestions)
        return fit(_("Commune %(typed)s inconnue ici. Vouliez-vous dire : %(choices)s ? Renvoyez %(word)s suivi du "
                     "code postal.") % {"typed": typed, "choices": choices, "word": word})
    return fit(_("Aucune commune suivie par ce service ne correspond à %(typed)s. Renvoyez %(word)s suivi du code "
                 "postal, ou envoyez AIDE.") % {"typed": typed, "word": word})


SHOWN_CHOICES = 5


def place_ambiguous(command, communes):
    """Several communes answer: their names (with the postcode when the name was typed) when few."""
    word = clean(command.word.upper())
    if len(communes) > SHOWN_CHOICES:
        return fit(_("%(n)d communes correspondent. Précisez : %(word)s suivi du code postal et du nom, par exemple "
                     "%(word)s 76700 HARFLEUR.") % {"n": len(communes), "word": word})
    if command.postcode and not command.name:
        choices = ", ".join(clean(c.name) for c in communes)
        return fit(_("Le %(postcode)s couvre plusieurs communes : %(choices)s. Renvoyez %(word)s suivi du nom, par "
                     "exemple %(word)s %(example)s.") % {
            "postcode": command.postcode, "choices": choices, "word": word,
            "example": clean(communes[0].name).upper()})
    choices = ", ".join(f"{clean(c.name)} ({c.postcode_list[0] if c.postcode_list else c.code})" for c in communes)
    return fit(_("Plusieurs communes : %(choices)s. Renvoyez %(word)s suivi du code postal.")
               % {"choices": choices, "word": word})


def too_many(resets_at):
    return fit(_("Trop de SMS de ce numéro : les suivants restent sans réponse jusqu'à %(time)s.")
               % {"time": when(resets_at)})
