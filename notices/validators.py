"""Checks on text typed by operators: clear French messages, nothing silently altered."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from riverains.text import validate_multiline

# A tag-like sequence: "<b", "</", "<!", "<?" — plain "<" as in "< 5 minutes" stays allowed.
TAG = re.compile(r"<\s*[a-zA-Z/!?]")


def validate_plain_text(value):
    if TAG.search(value or ""):
        raise ValidationError(
            _("Le texte ne doit pas contenir de balises HTML ou de code (« < » suivi d'une lettre)."), code="html"
        )
    # Control characters other than tab and line breaks break feeds, SMS and XML.
    validate_multiline(value)
