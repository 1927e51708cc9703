"""Ready-made notices, one per category, so that an operator publishes a clear message in
under a minute: the console pre-fills its form from these, the operator adjusts the passages
in [square brackets] (the console refuses to publish while any is left).

The wording follows what residents ask: what, where, when, until when, is there anything to
do. It states facts and never alarms nor reassures beyond what the operator knows: no
"aucun danger" that a plant cannot promise, and no alert vocabulary (this is information;
official alerts stay with the siren and the prefecture)."""
import re
from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from .models import (  # noqa: F401  (the "what to do" defaults live beside the categories; reached here too)
    NOTHING_TO_DO, WHAT_TO_DO, WHAT_TO_DO_LIMIT, Category, Explainer, Kind, Perception, translatable_what_to_do,
    what_to_do_for,
)

# A passage the operator must replace: "[unité]", "[heure de fin]".
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,80}\]")

NO_ACTION = _("Aucune action n'est demandée aux riverains.")


@dataclass(frozen=True)
class NoticeTemplate:
    category: str
    title: str
    body: str
    impact: str
    perceptions: tuple
    kind: str = Kind.PLANNED
    duration: timedelta | None = timedelta(hours=2)
    immediate: bool = False

    @property
    def label(self):
        return Category(self.category).label

    def explainer(self):
        return explainer_for(self.category)


TEMPLATES = {
    t.category: t
    for t in [
        NoticeTemplate(
            category=Category.FLARING,
            title=_("Torchage lors de [l'arrêt / du redémarrage] de [unité]"),
            body=_(
                "Une flamme sera visible au-dessus de la torche du site, de jour comme de nuit, pendant "
                "[l'arrêt / le redémarrage] de [unité]. La torche brûle de façon contrôlée les gaz qui ne "
                "peuvent pas être traités pendant cette opération. Un grondement peut être entendu près du site."
            ),
            impact=NO_ACTION,
            perceptions=(Perception.VISIBLE, Perception.AUDIBLE),
            duration=timedelta(hours=4),
        ),
        NoticeTemplate(
            category=Category.STEAM,
            title=_("Panache de [vapeur d'eau / fumée] au-dessus de [unité]"),
            body=_(
                "Un panache [blanc / gris] sera visible au-dessus de [unité] pendant [l'opération]. "
                "Il s'agit de [vapeur d'eau / fumée] liée à [la cause, en une phrase]. "
                "Il peut paraître plus important par temps froid ou humide."
            ),
            impact=NO_ACTION,
            perceptions=(Perception.VISIBLE,),
        ),
        NoticeTemplate(
            category=Category.ODOUR,
            title=_("Odeur de [type d'odeur] autour du site"),
            body=_(
                "Depuis [heure], une odeur de [type d'odeur : hydrocarbure, soufre, …] peut être perçue "
                "vers [quartiers ou communes]. Elle provient de [origine]. Nos équipes [recherchent son "
                "origine / interviennent pour la faire cesser]. Nous publierons une mise à jour vers [heure]."
            ),
            impact=_("[Indiquez les mesures réalisées et leurs résultats, ou :] Aucune action n'est demandée aux riverains."),
            perceptions=(Perception.OLFACTORY,),
            kind=Kind.OBSERVED,
        ),
        NoticeTemplate(
            category=Category.NOISE,
            title=_("Bruit de [soufflage / sifflement / chocs] sur [unité]"),
            body=_(
                "Un bruit [continu / intermittent] de [soufflage / sifflement / chocs] pourra être entendu "
                "autour du site pendant [l'opération]. Il est dû à [la cause, en une phrase]."
            ),
            impact=NO_ACTION,
            perceptions=(Perception.AUDIBLE,),
            duration=timedelta(hours=1),
        ),
        NoticeTemplate(
            category=Category.DRILL,
            title=_("Exercice de sécurité sur le site"),
            body=_(
                "Un exercice de sécurité a lieu sur le site. Vous pourriez voir des véhicules de secours "
                "et entendre des alarmes à l'intérieur du site. La sirène d'alerte des populations "
                "[ne sera pas / sera] déclenchée. Il s'agit d'un exercice prévu."
            ),
            impact=NO_ACTION,
            perceptions=(Perception.VISIBLE, Perception.AUDIBLE),
        ),
        NoticeTemplate(
            category=Category.SIREN_TEST,
            title=_("Essai de la sirène [du site / du plan particulier d'intervention]"),
            body=_(
                "La sirène [du site / du plan particulier d'intervention] sera essayée vers [heure]. "
                "Vous entendrez [un son montant et descendant d'environ 1 minute 40 / un son continu]. "
                "Il s'agit d'un essai."
            ),
            impact=_(
                "Aucune action n'est demandée pendant cet essai. En dehors d'un essai annoncé, si la "
                "sirène retentit, mettez-vous à l'abri et suivez les consignes des autorités."
            ),
            perceptions=(Perception.AUDIBLE,),
            duration=timedelta(minutes=30),
        ),
        NoticeTemplate(
            category=Category.MAINTENANCE,
            title=_("[Arrêt / Redémarrage] de [unité]"),
            body=_(
                "[Unité] sera [arrêtée / redémarrée] pour [une maintenance programmée]. Pendant cette "
                "opération, vous pourriez [voir la torche / voir de la vapeur / entendre des bruits de soufflage]."
            ),
            impact=NO_ACTION,
            perceptions=(Perception.VISIBLE,),
            duration=timedelta(hours=24),
        ),
        NoticeTemplate(
            category=Category.WORKS,
            title=_("Travaux sur [zone du site]"),
            body=_(
                "Des travaux de [nature des travaux] ont lieu sur [zone du site], [jours et horaires]. "
                "Ils peuvent entraîner [du bruit d'engins / de la poussière / une circulation de camions]."
            ),
            impact=_("[Indiquez toute gêne : circulation, stationnement, ou :] Aucune action n'est demandée aux riverains."),
            perceptions=(Perception.AUDIBLE, Perception.VISIBLE),
            duration=timedelta(hours=8),
        ),
        NoticeTemplate(
            category=Category.INCIDENT,
            title=_("Incident sur [unité] : [ce qui se voit, s'entend ou se sent]"),
            body=_(
                "Depuis [heure], un incident est en cours sur [unité] : [description factuelle]. "
                "Nos équipes [et les secours] interviennent. Nous publierons une mise à jour vers [heure], "
                "ou plus tôt si la situation évolue."
            ),
            impact=_(
                "[Indiquez les consignes des autorités s'il y en a, ou :] Aucune action n'est demandée aux "
                "riverains à cette heure. Si la sirène retentit, mettez-vous à l'abri."
            ),
            perceptions=(Perception.VISIBLE,),
            kind=Kind.OBSERVED,
            immediate=True,
        ),
        NoticeTemplate(
            category=Category.OTHER,
            title=_("[Ce qui se voit, s'entend ou se sent] sur le site"),
            body=_("[Ce qui se passe], [où], [depuis quand ou à partir de quand], [jusqu'à quand]. [Pourquoi, en une phrase.]"),
            impact=NO_ACTION,
            perceptions=(Perception.VISIBLE,),
        ),
    ]
}


def template_for(category):
    """The ready-made notice of a category (KeyError for an unknown one)."""
    return TEMPLATES[Category(category)]


def explainer_for(category):
    """The explainer to link from a notice of this category, if one covers it.

    Explainers are few and SQLite has no JSON containment lookup: filter them in Python."""
    return next((e for e in Explainer.objects.all() if category in (e.categories or [])), None)


def placeholders_in(text):
    """The [passages] still to replace in a text."""
    return PLACEHOLDER.findall(str(text or ""))
