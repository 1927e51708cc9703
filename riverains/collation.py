"""French alphabetical order, the same on every database and every machine.

Databases sort names byte by byte (SQLite) or by the server's locale (PostgreSQL), which puts
"Épouville" and "Étretat" after "Yébleron". A French reader ignores accents and case first and
only uses them to break ties (cote < côte < coté < côté at the primary level, then accents), so
the key is (letters without accents or case, hyphens and apostrophes as spaces; then the name
itself). Pure Python: no locale to install, the same order in tests, CI and production. Lists of
communes are short (a few hundred at most), so sorting them after the query costs nothing."""
import unicodedata

from django.forms.models import ModelChoiceIterator


def french_key(text):
    text = str(text or "")
    letters = unicodedata.normalize("NFD", text)
    letters = "".join(c for c in letters if not unicodedata.combining(c)).casefold()
    letters = letters.replace("œ", "oe").replace("æ", "ae")
    for mark in "-'’":
        letters = letters.replace(mark, " ")
    return (" ".join(letters.split()), text)


def french_sorted(items, key=str):
    """`items` (names, or objects named by `key`) in French alphabetical order."""
    return sorted(items, key=lambda item: french_key(key(item)))


class FrenchOrderIterator(ModelChoiceIterator):
    """The choices of a ModelChoiceField in French order of their labels (the queryset's own
    order is ignored)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in french_sorted(self.queryset, key=self.field.label_from_instance):
            yield self.choice(obj)
