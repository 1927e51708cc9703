"""Times and durations written the way people say them, in Europe/Paris time.

French: « aujourd'hui 14 h 30 », « demain 8 h », « jeudi 14 novembre à 22 h ».
English: "today 2:30 pm", "tomorrow 8 am", "Thursday 14 November at 10 pm".
Hours and their unit are joined by non-breaking spaces so that a phone never splits "14 h"."""
import re
from datetime import datetime

from django import template
from django.urls import translate_url
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import get_language, gettext as _, ngettext

register = template.Library()

NBSP = "\u00a0"


def _english():
    return (get_language() or "fr").startswith("en")


@register.filter(name="clock")
def clock_filter(value):
    """« 14 h 30 » in the current time zone, for a template."""
    return clock(timezone.localtime(value)) if value else ""


def clock(value):
    """The hour of a local datetime: « 14 h 30 », « 8 h »; "2:30 pm", "8 am"."""
    hour, minute = value.hour, value.minute
    if _english():
        suffix = "am" if hour < 12 else "pm"
        hour12 = hour % 12 or 12
        return f"{hour12}:{minute:02d}{NBSP}{suffix}" if minute else f"{hour12}{NBSP}{suffix}"
    return f"{hour}{NBSP}h{NBSP}{minute:02d}" if minute else f"{hour}{NBSP}h"


def day(value, today):
    """« jeudi 14 novembre » (with the year when it is not this year's), "Thursday 14 November"."""
    text = dateformat.format(value, "l j F")
    if value.day == 1 and not _english():
        text = text.replace(" 1 ", " 1er ", 1)  # « vendredi 1er novembre »
    if value.year != today.year:
        text = f"{text} {value.year}"
    return text


@register.filter
def when(value, now=None):
    """A moment relative to today, in the Paris time zone."""
    if not value:
        return ""
    local = timezone.localtime(value)
    today = timezone.localdate(now)
    offset = (local.date() - today).days
    time = clock(local)
    if offset == 0:
        return _("aujourd'hui %(time)s") % {"time": time}
    if offset == 1:
        return _("demain %(time)s") % {"time": time}
    if offset == -1:
        return _("hier %(time)s") % {"time": time}
    return _("%(day)s à %(time)s") % {"day": day(local, today), "time": time}


@register.filter
def timetag(value):
    """`when` inside a <time> element whose datetime attribute machines and screen readers use."""
    if not value:
        return ""
    return format_html('<time datetime="{}">{}</time>', timezone.localtime(value).isoformat(timespec="seconds"), when(value))


@register.filter
def duration(start, end):
    """How long from start to end: « 45 min », « 3 h 30 », « 2 jours et 4 h »."""
    if not start or not end or end <= start:
        return ""
    minutes = round((end - start).total_seconds() / 60)
    if minutes < 60:
        return f"{minutes}{NBSP}min"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        if not rest:
            return f"{hours}{NBSP}h"
        return f"{hours}{NBSP}h{NBSP}{rest:02d}{NBSP}min" if _english() else f"{hours}{NBSP}h{NBSP}{rest:02d}"
    days, rest = divmod(minutes, 24 * 60)
    text = ngettext("%(count)d jour", "%(count)d jours", days) % {"count": days}
    hours = rest // 60
    if hours:
        text = _("%(days)s et %(hours)s") % {"days": text, "hours": f"{hours}{NBSP}h"}
    return text


@register.filter
def parse_iso(value):
    """Datetime from the ISO 8601 text stored in a revision snapshot."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@register.filter
def tel_href(number):
    """« 0 800 00 76 00 » → "tel:0800007600" for a link a phone can dial."""
    return "tel:" + re.sub(r"[^\d+]", "", number or "")


@register.simple_tag(takes_context=True)
def page_in_language(context, language):
    """The address of the current page in another language (same page, with or without /en/)."""
    request = context.get("request")
    if request is None:
        return "/" if language == "fr" else f"/{language}/"
    return translate_url(request.get_full_path(), language)


@register.simple_tag
def colon():
    """The colon after a label: « Motif : » in French, "Reason:" in English (no space before)."""
    return ":" if _english() else " :"


@register.filter
def until(value):
    """The end of a current notice on one short line: « jusqu'à 18 h », « jusqu'à demain 16 h »."""
    if not value:
        return _("fin non précisée")
    local = timezone.localtime(value)
    moment = clock(local) if local.date() == timezone.localdate() else when(value)
    return _("jusqu'à %(moment)s") % {"moment": moment}


@register.filter
def french_order(items):
    """Names (or things with a name) in French alphabetical order: Épouville before Yébleron."""
    from riverains.collation import french_sorted

    return french_sorted(items, key=lambda item: getattr(item, "name", item))
