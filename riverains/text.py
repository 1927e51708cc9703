"""Text typed by people, kept fit for every channel.

One definition of the characters that have no business in typed text — control characters —
used at both ends:

- inputs refuse them with a French message (`validate_single_line` for names and titles,
  `validate_multiline` for texts that keep their line breaks and tabs), or drop them silently
  where refusing would help no one (`strip_controls`);
- outputs drop them anyway (`xml_text`, `plain_text`, `header_text`), because rows stored before
  the inputs refused them, or written by other means, must not break a feed, a calendar or a
  phone menu for a whole territory.

Bidirectional controls (right-to-left override…) are allowed in texts, which show them as their
author meant, but never in a mail header, where they disguise what a subject or a name says."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls but tab, line feed and carriage return; DEL; C1 controls; lone surrogates and the
# noncharacters U+FFFE and U+FFFF (neither is a character XML 1.0 may carry).
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
CONTROL = re.compile(f"[{_CONTROLS}]")
# Controls that are blanks to a reader (vertical tab, form feed, separators, NEL): a space
# rather than nothing, so that the words on either side stay apart.
_BLANK_CONTROLS = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
LINE_BREAK = re.compile("[\r\n]")
# Everything outside XML 1.0's Char production.
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")

INVISIBLE_MESSAGE = _("Le texte contient des caractères invisibles non autorisés.")
ONE_LINE_MESSAGE = _("Ce texte tient sur une seule ligne : retirez les retours à la ligne et les tabulations.")


def validate_multiline(value):
    """A text of several lines: line breaks and tabs are fine, other control characters are not."""
    if CONTROL.search(value or ""):
        raise ValidationError(INVISIBLE_MESSAGE, code="control")


def validate_single_line(value):
    """A name or a title: one line, no tab, no control character."""
    validate_multiline(value)
    if re.search("[\t\r\n]", value or ""):
        raise ValidationError(ONE_LINE_MESSAGE, code="line_break")


def strip_controls(value, multiline=True):
    """`value` without control characters (tabs and line breaks kept when `multiline`, turned
    into spaces otherwise)."""
    if not value:
        return value
    text = CONTROL.sub("", _BLANK_CONTROLS.sub(" ", value))
    return text if multiline else re.sub("[\t\r\n]+", " ", text)


def xml_text(value):
    """`value` fit for an XML 1.0 document: blank controls become spaces, other characters XML
    cannot carry are dropped, and so are DEL and the C1 controls, which it may carry but
    discourages (the serializer escapes the rest)."""
    if value is None:
        return value
    return XML_INVALID.sub("", CONTROL.sub("", _BLANK_CONTROLS.sub(" ", str(value))))


def plain_text(value):
    """`value` for iCalendar and CSV: control characters dropped, tabs and line feeds kept, line
    ends as single line feeds (the writers escape or quote them)."""
    if value is None:
        return value
    return strip_controls(str(value).replace("\r\n", "\n").replace("\r", "\n"))


def header_text(value):
    """`value` for a mail header (subject, display name): one line, no control character, no
    bidirectional control."""
    return " ".join(BIDI_CONTROL.sub("", strip_controls(str(value or ""), multiline=False)).split())
