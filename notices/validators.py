"""Checks on text typed by operators: clear French messages, nothing silently altered."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A tag-like sequence: "<b", "</", "<!", "<?" — plain "<" as in "< 5 minutes" stays allowed.
TAG = re.compile(r"<\s*[a-zA-Z/!?]")
# Control characters other than tab and newlines break feeds, SMS and XML.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_plain_text(value):
    if TAG.search(value or ""):
        raise ValidationError(
            _("Le texte ne doit pas contenir de balises HTML ou de code (« < » suivi d'une lettre)."), code="html"
        )
    if CONTROL.search(value or ""):
        raise ValidationError(_("Le texte contient des caractères invisibles non autorisés."), code="control")
