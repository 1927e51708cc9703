"""What the demonstration contains: three territories on real communes, fictional member
companies and sites, and the stories of their notices.

Everything here is invented except the communes and EPCIs (INSEE codes and SIREN numbers from
the shipped reference data). Every company and site name carries "(démonstration)", coordinates
are deliberately a few hundred metres to a few kilometres away from real plants, and the phone
numbers are placeholders. The texts are written the way an operator should write a notice:
short, factual, in plain French, saying what residents will see, hear or smell and until when."""
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from notices.models import Category, Kind
from territories.models import Seveso

from .accounts import PASSWORD, SUPERUSER  # noqa: F401 (the loader reads them from here)
from .timeline import ago, hours, last_siren_test, minutes, next_siren_test, on_day

DEMO_MARK = "(démonstration)"

VISIBLE, AUDIBLE, OLFACTORY = "visible", "audible", "olfactory"


@dataclass(frozen=True, kw_only=True)
class SiteSpec:
    slug: str
    name: str
    commune: str  # INSEE code
    latitude: str
    longitude: str
    seveso: str
    description: str
    neighbours: tuple  # INSEE codes: the default area of the site's notices


@dataclass(frozen=True, kw_only=True)
class OrganizationSpec:
    name: str
    operator: str  # username of the organization's operator
    site: SiteSpec
    website: str = ""


@dataclass(frozen=True, kw_only=True)
class Update:
    after: timedelta  # after the start: when the revision is dated in the public history
    change_note: str
    fields: dict


@dataclass(frozen=True, kw_only=True)
class Story:
    """One notice and what happens to it: published, maybe updated, then left under way,
    scheduled, ended or cancelled."""

    site: str  # SiteSpec.slug
    outcome: str  # "ongoing", "scheduled", "ended" or "cancelled"
    category: str
    perceptions: tuple
    title: str
    body: str
    impact: str = ""
    kind: str = Kind.PLANNED
    start: Callable
    planned: timedelta | None = None  # expected duration (None: no expected end)
    lasted: timedelta | None = None  # actual duration, for ended stories
    # How long before the start the notice was published; negative for an observed event,
    # published some minutes after it began.
    announced: timedelta = hours(48)
    updates: tuple = ()
    end_note: str = ""
    cancel_reason: str = ""
    communes: tuple = ()  # INSEE codes; empty: the site's neighbouring communes
    immediate: bool = False


@dataclass(frozen=True, kw_only=True)
class TerritorySpec:
    slug: str
    name: str
    epcis: tuple = ()  # SIREN of EPCIs whose communes are all covered
    communes: tuple = ()  # INSEE codes covered individually
    toll_free_number: str
    contact_phone: str
    coordinator_name: str
    coordinator: str  # username
    presentation: str
    organizations: tuple
    stories: tuple = field(default=())

    @property
    def contact_email(self):
        return f"contact-{self.slug}@example.org"


def presentation(area):
    return (
        f"DÉMONSTRATION — ce territoire sert à montrer Riverains. Les communes de {area} sont réelles, "
        "mais les entreprises, les sites industriels et les messages sont FICTIFS : ils ne décrivent "
        "rien de ce qui se passe réellement. Le numéro vert affiché n'est pas en service.\n\n"
        "Sur un vrai territoire, les industriels adhérents publient ici ce qui peut se voir, "
        "s'entendre ou se sentir depuis l'extérieur de leurs sites : torchage, vapeur, odeurs, bruits, "
        "exercices, essais de sirène. C'est une information, pas une alerte : en cas d'accident, "
        "l'alerte est donnée par les sirènes, FR-Alert et la préfecture."
    )


NO_ACTION = "Aucune action n'est demandée aux riverains."

SIREN_TEST_BODY = (
    "Comme chaque premier mercredi du mois, la sirène du site sera testée à midi, en même temps que "
    "les sirènes des communes. Le signal d'essai dure 1 minute et 41 secondes. Il n'y a rien à faire."
)
SIREN_TEST_IMPACT = (
    "Aucune action n'est demandée aux riverains. Si la sirène retentit un autre jour ou à une autre "
    "heure, ce n'est pas un essai : mettez-vous à l'abri et écoutez la radio."
)


def siren_test(site, outcome, when):
    """The monthly test of the site's siren: the same text everywhere, as in real life."""
    return Story(
        site=site, outcome=outcome, category=Category.SIREN_TEST, perceptions=(AUDIBLE,),
        title="Essai mensuel de la sirène du site", body=SIREN_TEST_BODY, impact=SIREN_TEST_IMPACT,
        start=when, planned=minutes(15), lasted=minutes(12), announced=hours(24 * 6),
    )


# --- Seine-Estuaire ----------------------------------------------------------------------------

LE_HAVRE_SEINE_METROPOLE = "200084952"  # CU Le Havre Seine Métropole
CAUX_SEINE_AGGLO = "200010700"  # CA Caux Seine Agglo

SEINE_ESTUAIRE = TerritorySpec(
    slug="seine-estuaire",
    name="Seine-Estuaire (démonstration)",
    epcis=(LE_HAVRE_SEINE_METROPOLE, CAUX_SEINE_AGGLO),
    toll_free_number="0 800 00 00 01",
    contact_phone="02 00 00 00 01",
    coordinator_name="Chambre de commerce fictive de l'Estuaire (démonstration)",
    coordinator="coordinateur-estuaire",
    presentation=presentation("Le Havre Seine Métropole et de Caux Seine Agglo"),
    organizations=(
        OrganizationSpec(
            name="Raffinerie Exemple de l'Estuaire (démonstration)",
            operator="operateur-raffinerie-estuaire",
            site=SiteSpec(
                slug="raffinerie-gonfreville",
                name="Raffinerie Exemple de Gonfreville (démonstration)",
                commune="76305",  # Gonfreville-l'Orcher
                latitude="49.49900", longitude="0.25700",
                seveso=Seveso.HIGH,
                description=(
                    "Site fictif de démonstration. Une raffinerie transforme le pétrole brut en carburants. "
                    "Sa torche brûle en sécurité les gaz libérés lors des démarrages et des arrêts d'unités : "
                    "la flamme peut alors être visible de loin, surtout la nuit."
                ),
                neighbours=("76305", "76341", "76533", "76489", "76660", "76296", "76351"),
            ),
        ),
        OrganizationSpec(
            name="Chimie Exemple du Canal (démonstration)",
            operator="operateur-chimie-canal",
            site=SiteSpec(
                slug="chimie-canal",
                name="Usine chimique Exemple du Canal (démonstration)",
                commune="76351",  # Le Havre
                latitude="49.46450", longitude="0.18200",
                seveso=Seveso.LOW,
                description=(
                    "Site fictif de démonstration. Une usine de chimie fine au bord du canal de Tancarville. "
                    "Ses chaudières produisent de la vapeur d'eau, dont le panache grossit par temps froid."
                ),
                neighbours=("76351", "76341", "76305"),
            ),
        ),
        OrganizationSpec(
            name="Pétrochimie Exemple de Port-Jérôme (démonstration)",
            operator="operateur-petrochimie-port-jerome",
            site=SiteSpec(
                slug="petrochimie-port-jerome",
                name="Plateforme Exemple de Port-Jérôme (démonstration)",
                commune="76476",  # Port-Jérôme-sur-Seine
                latitude="49.49600", longitude="0.54800",
                seveso=Seveso.HIGH,
                description=(
                    "Site fictif de démonstration. Une plateforme pétrochimique qui fabrique des matières "
                    "premières pour les plastiques. Elle dispose d'une torche et de grands bacs de stockage."
                ),
                neighbours=("76476", "76384", "76592", "76499", "76684", "76471"),
            ),
        ),
    ),
    stories=(
        Story(
            site="raffinerie-gonfreville", outcome="ongoing", kind=Kind.OBSERVED,
            category=Category.STEAM, perceptions=(VISIBLE,),
            title="Panache de vapeur au-dessus de l'unité de distillation",
            body=(
                "Un panache blanc plus important que d'habitude est visible au-dessus de la raffinerie. "
                "Il s'agit de vapeur d'eau, libérée pendant le réglage d'un échangeur de chaleur. "
                "Le réglage doit être terminé en fin de journée."
            ),
            impact="Aucune action n'est demandée aux riverains.",
            start=ago(1, 30), planned=hours(6), announced=-minutes(10),
        ),
        Story(
            site="petrochimie-port-jerome", outcome="ongoing",
            category=Category.ODOUR, perceptions=(OLFACTORY,),
            title="Odeur d'hydrocarbures possible pendant le nettoyage d'un bac",
            body=(
                "Nous nettoyons un bac de stockage vidé pour son inspection décennale. Pendant l'ouverture "
                "du bac, une odeur d'hydrocarbures peut être perçue autour du site, selon le vent. "
                "Les gaz sont aspirés et traités ; l'opération dure jusqu'à demain soir."
            ),
            impact=(
                "Des mesures sont faites en continu en limite de site ; leurs résultats seront donnés "
                "à la fin de l'opération. " + NO_ACTION
            ),
            start=ago(5), planned=hours(36), announced=hours(24),
            communes=("76476", "76592", "76499", "76684"),
            updates=(
                Update(
                    after=hours(3),
                    change_note="Le vent a tourné au sud : Lillebonne et Norville sont ajoutées.",
                    fields={"communes": ("76476", "76592", "76499", "76684", "76384", "76471")},
                ),
            ),
        ),
        siren_test("chimie-canal", "scheduled", next_siren_test),
        Story(
            site="petrochimie-port-jerome", outcome="scheduled",
            category=Category.DRILL, perceptions=(AUDIBLE, VISIBLE),
            title="Exercice de sécurité avec les pompiers",
            body=(
                "Un exercice de sécurité aura lieu sur la plateforme avec les sapeurs-pompiers. Vous pourrez "
                "entendre la sirène interne du site et voir des véhicules de secours entrer et sortir. "
                "C'est un exercice prévu de longue date : il n'y a rien à faire."
            ),
            impact="Circulation possiblement ralentie sur la route de la zone industrielle pendant l'exercice.",
            start=on_day(2, 9, 30), planned=hours(2), announced=hours(24 * 5),
        ),
        Story(
            site="raffinerie-gonfreville", outcome="scheduled",
            category=Category.MAINTENANCE, perceptions=(VISIBLE, AUDIBLE),
            title="Redémarrage du craqueur après maintenance : torchage",
            body=(
                "Après son arrêt pour maintenance, l'unité de craquage catalytique va redémarrer. Pendant "
                "le redémarrage, les gaz qui ne peuvent pas encore être valorisés sont brûlés à la torche : "
                "une flamme haute sera visible, de jour comme de nuit, et un grondement pourra s'entendre "
                "à proximité. Le redémarrage dure environ deux jours et demi."
            ),
            impact="Flamme visible de loin, surtout la nuit. Le brûlage à la torche est un dispositif de sécurité normal.",
            start=on_day(3, 6), planned=hours(60), announced=hours(24 * 4),
        ),
        Story(
            site="chimie-canal", outcome="cancelled",
            category=Category.WORKS, perceptions=(AUDIBLE,),
            title="Travaux de démolition d'un ancien hangar",
            body=(
                "Un ancien hangar sera démoli au nord du site. Des bruits d'engins et de chute de gravats "
                "pourront être entendus en journée, de 8 h à 17 h."
            ),
            start=on_day(4, 8), planned=hours(9), announced=hours(24 * 6),
            cancel_reason="Travaux reportés à une date ultérieure : l'entreprise de démolition n'est pas disponible.",
        ),
        Story(
            site="raffinerie-gonfreville", outcome="ended", kind=Kind.OBSERVED,
            category=Category.FLARING, perceptions=(VISIBLE, AUDIBLE),
            title="Torchage après l'arrêt imprévu d'un compresseur",
            body=(
                "Un compresseur s'est arrêté automatiquement ce soir. Par sécurité, les gaz de l'unité "
                "sont dirigés vers la torche : une flamme importante est visible et un bruit sourd peut "
                "être entendu près du site. Nos équipes redémarrent le compresseur."
            ),
            impact="La combustion à la torche est contrôlée. Aucune intervention des secours n'est nécessaire.",
            start=on_day(-4, 21, 30), planned=hours(2), lasted=hours(1) + minutes(40), announced=-minutes(10),
            immediate=True,
            updates=(
                Update(
                    after=minutes(45),
                    change_note="Le compresseur redémarre : la flamme va diminuer progressivement.",
                    fields={"body": (
                        "Un compresseur s'est arrêté automatiquement ce soir et les gaz de l'unité ont été "
                        "dirigés vers la torche. Le compresseur redémarre : la flamme va diminuer "
                        "progressivement dans l'heure."
                    )},
                ),
                Update(
                    after=hours(1) + minutes(15),
                    change_note="Fin prévue avancée à 23 h 15.",
                    fields={"expected_end_at": lambda n: n.starts_at + hours(1) + minutes(45)},
                ),
            ),
            end_note="Le compresseur fonctionne normalement, la torche est revenue à sa veilleuse.",
        ),
        Story(
            site="chimie-canal", outcome="ended",
            category=Category.NOISE, perceptions=(AUDIBLE,),
            title="Essais de soupapes de sécurité",
            body=(
                "Nous testons les soupapes de sécurité des chaudières. Chaque essai produit un sifflement "
                "fort de quelques secondes, audible jusqu'à un kilomètre environ, entre 10 h et 12 h."
            ),
            impact=NO_ACTION,
            start=on_day(-9, 10), planned=hours(2), lasted=hours(1) + minutes(50),
        ),
        siren_test("petrochimie-port-jerome", "ended", last_siren_test),
        Story(
            site="raffinerie-gonfreville", outcome="ended",
            category=Category.DRILL, perceptions=(AUDIBLE, VISIBLE),
            title="Exercice annuel du plan d'opération interne",
            body=(
                "Exercice annuel de notre plan d'opération interne : la sirène interne retentira et des "
                "véhicules d'intervention circuleront sur le site. Il n'y a rien à faire."
            ),
            start=on_day(-16, 14), planned=hours(3), lasted=hours(2) + minutes(30), announced=hours(24 * 7),
        ),
    ),
)

# --- Rouen Métropole ---------------------------------------------------------------------------

METROPOLE_ROUEN_NORMANDIE = "200023414"
ROUEN_SOUTH_BANK = ("76322", "76498", "76497", "76319", "76540", "76681", "76575", "76157", "76457", "76717")

ROUEN_METROPOLE = TerritorySpec(
    slug="rouen-metropole",
    name="Rouen Métropole (démonstration)",
    epcis=(METROPOLE_ROUEN_NORMANDIE,),
    toll_free_number="0 800 00 00 02",
    contact_phone="02 00 00 00 02",
    coordinator_name="Association fictive des industriels de la boucle de Rouen (démonstration)",
    coordinator="coordinateur-rouen",
    presentation=presentation("la Métropole Rouen Normandie"),
    organizations=(
        OrganizationSpec(
            name="Engrais Exemple de la Seine (démonstration)",
            operator="operateur-engrais-seine",
            site=SiteSpec(
                slug="engrais-grand-quevilly",
                name="Usine d'engrais Exemple de Grand-Quevilly (démonstration)",
                commune="76322",  # Le Grand-Quevilly
                latitude="49.40200", longitude="1.01800",
                seveso=Seveso.HIGH,
                description=(
                    "Site fictif de démonstration. Une usine d'engrais azotés qui fabrique de l'ammoniac "
                    "et de l'acide nitrique. Elle dispose d'une torche utilisée lors des redémarrages."
                ),
                neighbours=("76322", "76498", "76497", "76157", "76540"),
            ),
        ),
        OrganizationSpec(
            name="Dépôt pétrolier Exemple de Petit-Couronne (démonstration)",
            operator="operateur-depot-petit-couronne",
            site=SiteSpec(
                slug="depot-petit-couronne",
                name="Dépôt Exemple de Petit-Couronne (démonstration)",
                commune="76497",  # Petit-Couronne
                latitude="49.38500", longitude="1.01200",
                seveso=Seveso.HIGH,
                description=(
                    "Site fictif de démonstration. Un dépôt de carburants : des bacs de stockage, des "
                    "postes de chargement de camions et un appontement sur la Seine."
                ),
                neighbours=("76497", "76319", "76322", "76457", "76717"),
            ),
        ),
        OrganizationSpec(
            name="Papeterie Exemple de Grand-Couronne (démonstration)",
            operator="operateur-papeterie-grand-couronne",
            site=SiteSpec(
                slug="papeterie-grand-couronne",
                name="Papeterie Exemple de Grand-Couronne (démonstration)",
                commune="76319",  # Grand-Couronne
                latitude="49.36200", longitude="1.00000",
                seveso=Seveso.NONE,
                description=(
                    "Site fictif de démonstration. Une papeterie qui recycle des vieux papiers. Sa "
                    "chaudière produit un panache de vapeur bien visible par temps froid."
                ),
                neighbours=("76319", "76497", "76484", "76575"),
            ),
        ),
    ),
    stories=(
        Story(
            site="papeterie-grand-couronne", outcome="ongoing", kind=Kind.OBSERVED,
            category=Category.STEAM, perceptions=(VISIBLE,),
            title="Panache de vapeur plus haut que d'habitude",
            body=(
                "Avec le froid et l'air humide de ce matin, le panache de vapeur de notre chaudière est "
                "plus haut et plus épais que d'habitude. Il s'agit uniquement de vapeur d'eau qui se "
                "condense au contact de l'air froid."
            ),
            impact=NO_ACTION,
            start=ago(3), planned=hours(8), announced=-minutes(15),
        ),
        Story(
            site="engrais-grand-quevilly", outcome="ongoing",
            category=Category.WORKS, perceptions=(AUDIBLE,),
            title="Remplacement d'une canalisation : bruit d'engins",
            body=(
                "Nous remplaçons une canalisation le long de la voie ferrée du site. Une grue et des engins "
                "de chantier travaillent en journée, de 7 h 30 à 17 h. Des bruits de chantier peuvent "
                "être entendus côté Petit-Quevilly."
            ),
            impact="Bruit de chantier en journée seulement.",
            start=ago(26), planned=hours(24 * 4), announced=hours(24 * 3),
            updates=(
                Update(
                    after=hours(20),
                    change_note="Le chantier est prolongé d'une journée à cause de la pluie.",
                    fields={"expected_end_at": lambda n: n.expected_end_at + hours(24)},
                ),
            ),
        ),
        siren_test("engrais-grand-quevilly", "scheduled", next_siren_test),
        Story(
            site="depot-petit-couronne", outcome="scheduled",
            category=Category.DRILL, perceptions=(AUDIBLE, VISIBLE),
            title="Exercice incendie sur un poste de chargement",
            body=(
                "Un exercice incendie est organisé sur un poste de chargement de camions. Vous pourrez "
                "voir de la fumée d'exercice (fumée froide produite par une machine) et des jets d'eau, et entendre "
                "la sirène interne du dépôt."
            ),
            impact="C'est un exercice, ce n'est pas un feu. " + NO_ACTION,
            start=on_day(1, 14), planned=hours(2), announced=hours(24 * 4),
        ),
        Story(
            site="engrais-grand-quevilly", outcome="scheduled",
            category=Category.MAINTENANCE, perceptions=(VISIBLE, AUDIBLE),
            title="Redémarrage de l'atelier d'ammoniac : torche visible",
            body=(
                "L'atelier d'ammoniac redémarre après son arrêt technique. Pendant environ 24 heures, "
                "une flamme sera visible à la torche et un bruit de combustion pourra être entendu près "
                "du site. C'est la procédure normale de redémarrage."
            ),
            impact="Flamme visible, surtout la nuit. Les rejets sont mesurés pendant tout le redémarrage. " + NO_ACTION,
            start=on_day(5, 5), planned=hours(24), announced=hours(24 * 6),
        ),
        Story(
            site="papeterie-grand-couronne", outcome="cancelled",
            category=Category.NOISE, perceptions=(AUDIBLE,),
            title="Soufflage de la chaudière à la vapeur",
            body=(
                "Après un entretien, les canalisations de la chaudière seront nettoyées à la vapeur. "
                "Chaque soufflage produit un bruit fort pendant une à deux minutes, entre 9 h et 16 h."
            ),
            start=on_day(3, 9), planned=hours(7), announced=hours(24 * 5),
            cancel_reason="Opération annulée : l'entretien de la chaudière est décalé au mois prochain.",
        ),
        Story(
            site="depot-petit-couronne", outcome="ended",
            category=Category.ODOUR, perceptions=(OLFACTORY,),
            title="Odeur de carburant pendant le dégazage d'un bac",
            body=(
                "Un bac de stockage est dégazé avant son inspection. Une odeur de carburant peut être "
                "perçue autour du dépôt, surtout par vent d'est."
            ),
            impact="Des mesures sont faites en limite de site pendant toute l'opération. " + NO_ACTION,
            start=on_day(-6, 8), planned=hours(10), lasted=hours(12),
            communes=("76497", "76319", "76322"),
            updates=(
                Update(
                    after=hours(4),
                    change_note="Odeur signalée à Moulineaux : la commune est ajoutée.",
                    fields={"communes": ("76497", "76319", "76322", "76457")},
                ),
                Update(
                    after=hours(9),
                    change_note="L'opération se prolonge de deux heures.",
                    fields={"expected_end_at": lambda n: n.starts_at + hours(12)},
                ),
            ),
            end_note="Dégazage terminé : plus d'odeur liée au dépôt.",
        ),
        siren_test("engrais-grand-quevilly", "ended", last_siren_test),
        Story(
            site="papeterie-grand-couronne", outcome="ended",
            category=Category.NOISE, perceptions=(AUDIBLE,),
            title="Essais d'un nouveau ventilateur",
            body="Un nouveau ventilateur est mis en service : un bourdonnement peut s'entendre près du site pendant les essais.",
            start=on_day(-12, 9), planned=hours(6), lasted=hours(5),
        ),
    ),
)

# --- Étang de Berre ----------------------------------------------------------------------------

MARTIGUES, FOS, BERRE, PORT_DE_BOUC, ISTRES = "13056", "13039", "13014", "13077", "13047"
ROGNAC, VITROLLES, MARIGNANE, SAINT_CHAMAS, CHATEAUNEUF = "13081", "13117", "13054", "13092", "13026"
PORT_SAINT_LOUIS, SAINT_MITRE, SAUSSET, CARRY = "13078", "13098", "13104", "13021"

ETANG_DE_BERRE = TerritorySpec(
    slug="etang-de-berre",
    name="Étang de Berre (démonstration)",
    communes=(
        MARTIGUES, FOS, BERRE, PORT_DE_BOUC, ISTRES, ROGNAC, VITROLLES, MARIGNANE, SAINT_CHAMAS,
        CHATEAUNEUF, PORT_SAINT_LOUIS, SAINT_MITRE, SAUSSET, CARRY,
    ),
    toll_free_number="0 800 00 00 03",
    contact_phone="04 00 00 00 03",
    coordinator_name="Groupement fictif des industriels de l'étang (démonstration)",
    coordinator="coordinateur-berre",
    presentation=presentation("l'étang de Berre et du golfe de Fos"),
    organizations=(
        OrganizationSpec(
            name="Raffinerie Exemple de Lavéra (démonstration)",
            operator="operateur-raffinerie-lavera",
            site=SiteSpec(
                slug="raffinerie-martigues",
                name="Raffinerie Exemple de Martigues (démonstration)",
                commune=MARTIGUES,
                latitude="43.39800", longitude="5.02800",
                seveso=Seveso.HIGH,
                description=(
                    "Site fictif de démonstration. Une raffinerie en bord de mer, avec deux torches et un "
                    "appontement pétrolier."
                ),
                neighbours=(MARTIGUES, PORT_DE_BOUC, SAINT_MITRE, CHATEAUNEUF, SAUSSET, CARRY),
            ),
        ),
        OrganizationSpec(
            name="Aciérie Exemple du Golfe (démonstration)",
            operator="operateur-acierie-golfe",
            site=SiteSpec(
                slug="acierie-fos",
                name="Aciérie Exemple de Fos (démonstration)",
                commune=FOS,
                latitude="43.45600", longitude="4.90500",
                seveso=Seveso.HIGH,
                description=(
                    "Site fictif de démonstration. Une aciérie intégrée : hauts fourneaux, cokerie et "
                    "laminoirs. Des fumées rousses et des panaches de vapeur peuvent être visibles."
                ),
                neighbours=(FOS, PORT_SAINT_LOUIS, PORT_DE_BOUC, ISTRES, MARTIGUES),
            ),
        ),
        OrganizationSpec(
            name="Pétrochimie Exemple de l'Étang (démonstration)",
            operator="operateur-petrochimie-etang",
            site=SiteSpec(
                slug="petrochimie-berre",
                name="Vapocraqueur Exemple de Berre (démonstration)",
                commune=BERRE,
                latitude="43.48700", longitude="5.18500",
                seveso=Seveso.HIGH,
                description=(
                    "Site fictif de démonstration. Un vapocraqueur qui produit de l'éthylène et du propylène, "
                    "avec une torche au sol et une torche haute."
                ),
                neighbours=(BERRE, ROGNAC, VITROLLES, SAINT_CHAMAS, MARIGNANE),
            ),
        ),
    ),
    stories=(
        Story(
            site="acierie-fos", outcome="ongoing", kind=Kind.OBSERVED,
            category=Category.STEAM, perceptions=(VISIBLE,),
            title="Fumée rousse au-dessus de l'aciérie",
            body=(
                "Un nuage de fumée rousse a été émis lors du chargement d'un convertisseur. Il peut "
                "rester visible quelques dizaines de minutes selon le vent. L'origine est identifiée et "
                "le chargement a repris normalement."
            ),
            impact="Les capteurs de qualité de l'air en limite de site sont suivis ; la situation est communiquée aux services de l'État.",
            start=ago(0, 45), planned=hours(3), announced=-minutes(10),
        ),
        Story(
            site="petrochimie-berre", outcome="ongoing",
            category=Category.FLARING, perceptions=(VISIBLE, AUDIBLE),
            title="Torchage pendant le réglage du four de craquage",
            body=(
                "Le réglage d'un four de craquage entraîne l'envoi de gaz à la torche haute. Une flamme "
                "est visible depuis le bord de l'étang, et un grondement peut être entendu à Berre-l'Étang."
            ),
            impact="Le torchage est un dispositif de sécurité normal. " + NO_ACTION,
            start=ago(4), planned=hours(10), announced=hours(20),
            updates=(
                Update(
                    after=hours(2),
                    change_note="La flamme a été réduite ; le bruit devrait diminuer.",
                    fields={"perceptions": (VISIBLE,)},
                ),
            ),
        ),
        siren_test("raffinerie-martigues", "scheduled", next_siren_test),
        Story(
            site="petrochimie-berre", outcome="scheduled",
            category=Category.DRILL, perceptions=(AUDIBLE, VISIBLE),
            title="Exercice de sécurité avec la préfecture",
            body=(
                "Un exercice de sécurité est organisé avec les services de l'État. La sirène interne du "
                "site retentira et des véhicules de secours circuleront autour du site. Les sirènes des "
                "communes ne seront pas déclenchées."
            ),
            impact="Il n'y a rien à faire : c'est un exercice.",
            start=on_day(2, 10), planned=hours(3), announced=hours(24 * 6),
        ),
        Story(
            site="raffinerie-martigues", outcome="scheduled",
            category=Category.MAINTENANCE, perceptions=(VISIBLE, AUDIBLE, OLFACTORY),
            title="Redémarrage après arrêt technique : torchage et odeurs possibles",
            body=(
                "Après plusieurs semaines d'arrêt technique, les unités redémarrent une à une. Pendant "
                "trois jours, la flamme des torches sera visible, un bruit de combustion pourra être "
                "entendu et, selon le vent, une odeur soufrée pourra être perçue ponctuellement."
            ),
            impact="Phénomènes habituels lors d'un redémarrage. Les mesures de qualité de l'air sont renforcées.",
            start=on_day(4, 7), planned=hours(72), announced=hours(24 * 6),
        ),
        Story(
            site="acierie-fos", outcome="cancelled",
            category=Category.WORKS, perceptions=(AUDIBLE, VISIBLE),
            title="Démolition d'une ancienne cheminée",
            body="Une ancienne cheminée sera abattue par grignotage. Bruit d'engins et poussière possibles de 8 h à 16 h.",
            start=on_day(6, 8), planned=hours(8), announced=hours(24 * 8),
            cancel_reason="Travaux reportés : les vents annoncés sont trop forts pour travailler en hauteur.",
        ),
        Story(
            site="raffinerie-martigues", outcome="ended", kind=Kind.OBSERVED,
            category=Category.ODOUR, perceptions=(OLFACTORY,),
            title="Odeur soufrée possible après un incident sur une pompe",
            body=(
                "Une fuite limitée sur une pompe a été isolée ce matin. Une odeur soufrée peut être "
                "perçue à Martigues et à Port-de-Bouc pendant le nettoyage de la zone."
            ),
            impact="Des mesures sont faites en limite de site et transmises à l'inspection des installations classées. " + NO_ACTION,
            start=on_day(-3, 7, 15), planned=hours(4), lasted=hours(3), announced=-minutes(20),
            communes=(MARTIGUES, PORT_DE_BOUC),
            updates=(
                Update(
                    after=hours(1),
                    change_note="Odeur aussi perçue à Saint-Mitre-les-Remparts : la commune est ajoutée.",
                    fields={"communes": (MARTIGUES, PORT_DE_BOUC, SAINT_MITRE)},
                ),
                Update(
                    after=hours(2),
                    change_note="Nettoyage presque terminé : l'odeur diminue.",
                    fields={"impact": "L'odeur diminue. Les mesures en limite de site sont transmises à l'inspection. " + NO_ACTION},
                ),
            ),
            end_note="Nettoyage terminé, plus d'odeur liée au site.",
        ),
        Story(
            site="acierie-fos", outcome="ended",
            category=Category.NOISE, perceptions=(AUDIBLE,),
            title="Bruit de soupape pendant la remise en service d'un haut fourneau",
            body="Lors de la remise en service, des soupapes s'ouvriront brièvement : sifflements forts de quelques secondes.",
            start=on_day(-8, 13), planned=hours(4), lasted=hours(3) + minutes(20),
        ),
        siren_test("petrochimie-berre", "ended", last_siren_test),
    ),
)

TERRITORIES = (SEINE_ESTUAIRE, ROUEN_METROPOLE, ETANG_DE_BERRE)
