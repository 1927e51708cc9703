"""The first fiches « comprendre »: plain-language pages on what residents see, hear or smell
around industrial sites. Information, not reassurance: each says what it is, why it happens,
what it may emit, and what to do if something looks different.

Idempotent (update_or_create by slug): running it again restores the shipped text."""
from django.db import migrations

EXPLAINERS = [
    {
        "slug": "torchage",
        "order": 10,
        "categories": ["torchage"],
        "title": "Qu'est-ce qu'un torchage ?",
        "summary": (
            "Une torche est un équipement de sécurité qui brûle des gaz qu'une installation ne peut pas "
            "récupérer. Sa flamme peut être grande, bruyante et visible de loin, surtout la nuit."
        ),
        "body": """\
Une torche est une grande cheminée munie d'une flamme pilote, présente sur les raffineries, les usines chimiques et les dépôts de gaz. Elle sert à brûler des gaz qui ne peuvent pas être récupérés ou renvoyés dans les installations, plutôt que de les rejeter directement dans l'air.

On torche surtout pendant les arrêts et les redémarrages d'unités, quand un équipement doit être vidé ou mis à la pression atmosphérique, et quand une soupape de sécurité s'ouvre pour protéger une installation. Une flamme de torche peut donc être prévue (opération programmée) ou déclenchée par un événement imprévu.

La flamme peut mesurer plusieurs mètres, éclairer le ciel et les nuages la nuit, et s'accompagner d'un grondement ou d'un sifflement. Pour limiter les fumées, on injecte souvent de la vapeur d'eau dans la flamme, ce qui peut augmenter le bruit.

Brûler ces gaz produit des gaz de combustion, notamment du dioxyde de carbone et des oxydes d'azote. Si la combustion est incomplète, la flamme devient orangée et fumante et peut rejeter des fumées noires (des suies). Les torchages sont encadrés par l'arrêté d'autorisation de chaque site et contrôlés par l'inspection des installations classées.

Les mesures de la qualité de l'air de votre secteur sont publiées par l'association agréée de surveillance de la qualité de l'air de votre région. Si vous voyez une flamme importante ou des fumées noires sans message publié, appelez le numéro vert du territoire.""",
    },
    {
        "slug": "vapeur-ou-fumee",
        "order": 20,
        "categories": ["vapeur"],
        "title": "Vapeur ou fumée ?",
        "summary": (
            "Les panaches blancs qui sortent des usines sont souvent de la vapeur d'eau, mais pas toujours. "
            "Voici comment les distinguer, et pourquoi il faut rester prudent."
        ),
        "body": """\
Beaucoup d'installations utilisent de la vapeur d'eau pour chauffer, entraîner des machines ou nettoyer des équipements, et de l'eau pour se refroidir. Une partie de cette vapeur est rejetée dans l'air, par des tours de refroidissement ou par des évents.

Un panache de vapeur d'eau est blanc et se dissipe à une courte distance de son point de sortie. Il est beaucoup plus visible par temps froid et humide, le matin et en hiver, parce que la vapeur se condense alors en fines gouttelettes, comme l'haleine par temps froid.

Une fumée est grise, noire, jaunâtre ou brune, et elle persiste et dérive avec le vent. Elle contient des particules ou des gaz issus d'une combustion ou d'un procédé.

De loin, et surtout la nuit, il est difficile de faire la différence. Le message publié par le site indique ce qui est rejeté. S'il n'y a pas de message, appelez le numéro vert du territoire. Si vous voyez un incendie, appelez le 18 ou le 112.""",
    },
    {
        "slug": "essai-de-sirene",
        "order": 30,
        "categories": ["essai_sirene"],
        "title": "Pourquoi un essai de sirène ?",
        "summary": (
            "Le premier mercredi de chaque mois à midi, les sirènes d'alerte sont essayées partout en "
            "France. Un essai annoncé n'est pas une alerte."
        ),
        "body": """\
En France, les sirènes du Système d'alerte et d'information des populations (SAIP) sont essayées le premier mercredi de chaque mois à midi. Pendant l'essai, la sirène ne fait entendre qu'un seul cycle du signal, d'une durée de 1 minute et 41 secondes.

Autour des sites industriels les plus dangereux (Seveso seuil haut), un plan particulier d'intervention (PPI), établi par le préfet, prévoit des sirènes pour alerter la population. Elles sont en général essayées au même moment. Un essai fait à un autre moment est annoncé ici à l'avance.

Le vrai signal d'alerte est différent : un son montant et descendant, répété trois fois pendant 1 minute et 41 secondes, séparé par des silences de 5 secondes. La fin de l'alerte est annoncée par un son continu de 30 secondes.

Si la sirène retentit en dehors d'un essai annoncé, il s'agit d'une alerte : mettez-vous à l'abri dans le bâtiment le plus proche, fermez portes et fenêtres, écoutez la radio, suivez les consignes des autorités, ne téléphonez pas et n'allez pas chercher vos enfants à l'école. Les autorités peuvent aussi vous alerter par un message sur votre téléphone portable (FR-Alert).""",
    },
    {
        "slug": "odeurs",
        "order": 40,
        "categories": ["odeur"],
        "title": "Pourquoi sent-on des odeurs industrielles ?",
        "summary": (
            "Certaines substances se sentent à des concentrations extrêmement faibles. Une odeur ne dit "
            "pas à elle seule si l'air est dangereux ou non : seules des mesures le disent."
        ),
        "body": """\
Le nez humain détecte certaines substances à des concentrations extrêmement faibles. C'est le cas des mercaptans, des composés soufrés à l'odeur de chou pourri ou de gaz. Des composés soufrés de ce type sont d'ailleurs ajoutés au gaz naturel et au propane pour que la moindre fuite se remarque.

Dans l'industrie, des odeurs peuvent apparaître lors du remplissage ou du nettoyage de bacs de stockage, du traitement des eaux usées, de l'ouverture d'équipements pendant un arrêt, ou du chargement de certains produits. Le vent et les conditions météorologiques jouent beaucoup : une même opération peut se sentir loin un jour et pas du tout le lendemain.

Une odeur perçue ne signifie pas forcément que la concentration est dangereuse. Mais une odeur n'est pas non plus la preuve que tout va bien, et l'absence d'odeur ne prouve rien : l'hydrogène sulfuré, à l'odeur d'œuf pourri, paralyse l'odorat à forte concentration. Seules des mesures permettent de conclure.

Si vous sentez une odeur inhabituelle, consultez les messages en cours. S'il n'y en a pas, appelez le numéro vert du territoire en indiquant l'heure, le lieu et le type d'odeur. Si vous ressentez une gêne pour respirer, des irritations ou un malaise, appelez le 15 ou le 112.""",
    },
    {
        "slug": "bruits",
        "order": 50,
        "categories": ["bruit"],
        "title": "D'où viennent les bruits soudains ?",
        "summary": (
            "Sifflements, grondements, jets de vapeur : la plupart des bruits forts et soudains viennent "
            "d'équipements de sécurité ou de phases d'arrêt et de redémarrage."
        ),
        "body": """\
Une soupape de sécurité s'ouvre automatiquement quand la pression dans un équipement dépasse un seuil fixé. Elle évacue alors du gaz ou de la vapeur pour protéger l'installation, ce qui produit un sifflement ou un rugissement fort, de quelques secondes à plusieurs minutes.

Lors des démarrages, on évacue souvent de la vapeur par des évents, et l'on souffle les conduites à la vapeur pour les nettoyer : ces opérations peuvent être très bruyantes et s'entendre à plusieurs kilomètres, surtout la nuit, quand le bruit de fond est faible.

La torche peut aussi gronder quand elle brûle beaucoup de gaz. D'autres bruits viennent de travaux : nettoyage à l'eau sous très haute pression, manutention, engins de chantier.

Un bruit fort et soudain signale souvent une protection qui fonctionne, mais il peut aussi accompagner un incident. Le site doit publier un message. S'il n'y en a pas, appelez le numéro vert du territoire. Si vous entendez une explosion ou voyez un incendie, appelez le 18 ou le 112.""",
    },
    {
        "slug": "exercices",
        "order": 60,
        "categories": ["exercice"],
        "title": "Exercices de sécurité : POI et PPI",
        "summary": (
            "Les industriels et les pompiers s'entraînent régulièrement. Pendant un exercice, vous pouvez "
            "voir des véhicules de secours et parfois entendre une sirène."
        ),
        "body": """\
Chaque site Seveso seuil haut a un plan d'opération interne (POI) : l'organisation prévue par l'industriel pour faire face à un accident à l'intérieur de son site. La réglementation impose de le tester au moins tous les trois ans ; beaucoup de sites s'entraînent bien plus souvent.

Le plan particulier d'intervention (PPI) est établi par le préfet. Il organise les secours et la protection de la population autour du site si un accident peut avoir des conséquences à l'extérieur. Il est lui aussi exercé régulièrement, avec les services de l'État, les pompiers, les communes et parfois les habitants.

Pendant un exercice, vous pouvez voir des véhicules de secours entrer sur le site, des fumées artificielles, des personnes en tenue de protection, et entendre des messages par haut-parleur. Le message publié ici dit ce qui sera visible ou audible, et si la sirène doit retentir.

Si la sirène retentit sans qu'un essai ou un exercice ait été annoncé, ce n'est pas un exercice : appliquez les consignes de mise à l'abri.""",
    },
    {
        "slug": "arrets-et-redemarrages",
        "order": 70,
        "categories": ["maintenance", "travaux"],
        "title": "Grands arrêts et redémarrages",
        "summary": (
            "Tous les quelques années, une usine s'arrête pour être inspectée et entretenue. L'arrêt et "
            "surtout le redémarrage sont les moments où l'on voit, entend et sent le plus de choses."
        ),
        "body": """\
Un « grand arrêt » est une période, souvent de plusieurs semaines, pendant laquelle tout ou partie d'une usine est arrêtée pour être inspectée, réparée et modernisée. Certaines inspections d'équipements sous pression sont imposées par la réglementation. Dans une raffinerie, un grand arrêt a lieu en général tous les quatre à six ans.

Pour arrêter une unité, il faut la vider, la refroidir et la purger de ses produits avant de l'ouvrir : les gaz sont envoyés à la torche, de la vapeur est utilisée pour le nettoyage, et des odeurs peuvent apparaître à l'ouverture des équipements.

Pendant l'arrêt, des centaines d'intervenants extérieurs travaillent sur le site : la circulation augmente aux abords, et les travaux peuvent être bruyants.

Le redémarrage dure souvent plusieurs jours. Les installations sont remises en température et en pression progressivement, et tant qu'elles ne fonctionnent pas normalement, une partie des gaz est brûlée à la torche. C'est la période où les flammes, les bruits de vapeur et les odeurs sont les plus fréquents. Le site publie ici le calendrier prévu et le met à jour.""",
    },
]


def create_explainers(apps, schema_editor):
    Explainer = apps.get_model("notices", "Explainer")
    for data in EXPLAINERS:
        fields = dict(data)
        slug = fields.pop("slug")
        Explainer.objects.update_or_create(slug=slug, defaults=fields)


def remove_explainers(apps, schema_editor):
    Explainer = apps.get_model("notices", "Explainer")
    Explainer.objects.filter(slug__in=[e["slug"] for e in EXPLAINERS], notices__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(create_explainers, remove_explainers)]
