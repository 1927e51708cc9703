"""The zone in words, for people: "Vent de sud-ouest : odeur possible à Harfleur, Montivilliers,
Octeville-sur-Mer jusqu'à 18 h (prévision)". French first, translatable."""
from django.utils import formats, timezone
from django.utils.translation import gettext as _, gettext_lazy, ngettext

from . import geometry

WIND_FROM = [gettext_lazy("Vent de nord"), gettext_lazy("Vent de nord-est"), gettext_lazy("Vent d'est"),
             gettext_lazy("Vent de sud-est"), gettext_lazy("Vent de sud"), gettext_lazy("Vent de sud-ouest"),
             gettext_lazy("Vent d'ouest"), gettext_lazy("Vent de nord-ouest")]
TURNING_TO = [gettext_lazy("tournant au nord"), gettext_lazy("tournant au nord-est"), gettext_lazy("tournant à l'est"),
              gettext_lazy("tournant au sud-est"), gettext_lazy("tournant au sud"), gettext_lazy("tournant au sud-ouest"),
              gettext_lazy("tournant à l'ouest"), gettext_lazy("tournant au nord-ouest")]
KIND_WORDS = {
    geometry.ODOUR: gettext_lazy("odeur possible"),
    geometry.SMOKE: gettext_lazy("fumée ou vapeur visible"),
    geometry.NOISE: gettext_lazy("bruit audible"),
    geometry.LIGHT: gettext_lazy("lueur de la torche visible"),
}
MAX_NAMES = 6


def _sector(degrees):
    return int(((degrees % 360) + 22.5) // 45) % 8


def wind_phrase(wind):
    """"Vent de sud-ouest", "Vent de sud-ouest tournant au nord-ouest", "Vent faible", or ""."""
    if not wind:
        return ""
    if wind.get("calm"):
        return _("Vent faible")
    start, end = wind.get("start_from"), wind.get("end_from")
    if start is not None and end is not None and _sector(start) != _sector(end):
        return f"{WIND_FROM[_sector(start)]} {TURNING_TO[_sector(end)]}"
    return str(WIND_FROM[_sector(wind["from"])])


def until_phrase(moment, now=None):
    local, today = timezone.localtime(moment), timezone.localdate(now or timezone.now())
    hour = f"{local.hour} h" if local.minute == 0 else f"{local.hour} h {local.minute:02d}"
    if local.date() == today:
        return _("jusqu'à %(hour)s") % {"hour": hour}
    return _("jusqu'au %(day)s à %(hour)s") % {"day": formats.date_format(local, "l j F"), "hour": hour}


def names_phrase(communes):
    names = [c["name"] for c in communes]
    if len(names) > MAX_NAMES:
        rest = len(names) - MAX_NAMES
        return ", ".join(names[:MAX_NAMES]) + " " + ngettext("et %(count)d autre commune", "et %(count)d autres communes", rest) % {"count": rest}
    return ", ".join(names)


def sentence(zone, now=None):
    """One sentence saying where, what and until when; the wind first when it matters."""
    what = " " + _("et") + " "
    what = what.join(str(KIND_WORDS[k]) for k in zone.kinds if k in KIND_WORDS)
    until = until_phrase(zone.valid_until, now)
    if zone.communes:
        where = _("%(what)s à %(communes)s") % {"what": what, "communes": names_phrase(zone.communes)}
        # « à Le Havre » is « au Havre », « à Les Pennes-Mirabeau » « aux Pennes-Mirabeau ».
        where = where.replace(" à Le ", " au ").replace(" à Les ", " aux ")
    else:
        where = _("%(what)s hors des communes du territoire") % {"what": what}
    wind = wind_phrase(zone.wind)
    if wind:
        return _("%(wind)s : %(where)s %(until)s (prévision)") % {"wind": wind, "where": where, "until": until}
    return _("%(where)s %(until)s (prévision)") % {"where": f"{where[:1].upper()}{where[1:]}", "until": until}
