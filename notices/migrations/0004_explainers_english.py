"""English text of the fiches « comprendre » shipped by 0002_explainers, for the /en/ pages.

A faithful translation, paragraph for paragraph: the same facts, cautions and "what to do".
Idempotent: it updates by slug (running it again restores the shipped English) and skips a
slug that is not in the database (an explainer deleted on purpose is not brought back)."""
from django.db import migrations

ENGLISH = {
    "torchage": {
        "title_en": "What is flaring?",
        "summary_en": (
            "A flare is a piece of safety equipment that burns gases a plant cannot recover. Its flame "
            "can be large, noisy and visible from far away, especially at night."
        ),
        "body_en": """\
A flare is a tall stack with a pilot flame, found at refineries, chemical plants and gas depots. It is used to burn gases that cannot be recovered or sent back into the plant, rather than releasing them directly into the air.

Flaring happens mostly when units are shut down and restarted, when a piece of equipment has to be emptied or brought down to atmospheric pressure, and when a safety valve opens to protect a plant. A flare can therefore be planned (a scheduled operation) or set off by an unexpected event.

The flame can be several metres high, light up the sky and the clouds at night, and come with a rumbling or whistling sound. To limit smoke, steam is often injected into the flame, which can make it noisier.

Burning these gases produces combustion gases, including carbon dioxide and nitrogen oxides. If combustion is incomplete, the flame turns orange and smoky and can give off black smoke (soot). Flaring is governed by each site's operating permit and checked by the government inspectors of classified industrial installations.

Air quality measurements for your area are published by your region's approved air quality monitoring association. If you see a large flame or black smoke and no message has been published, call the territory's freephone number.""",
    },
    "vapeur-ou-fumee": {
        "title_en": "Steam or smoke?",
        "summary_en": (
            "The white plumes coming out of plants are often water vapour, but not always. Here is how "
            "to tell them apart, and why you should stay cautious."
        ),
        "body_en": """\
Many plants use steam to heat, to drive machines or to clean equipment, and water to cool down. Some of this steam is released into the air, through cooling towers or vents.

A plume of water vapour is white and disappears a short distance from where it comes out. It is much more visible in cold, damp weather, in the morning and in winter, because the vapour then condenses into tiny droplets, like your breath on a cold day.

Smoke is grey, black, yellowish or brown, and it lingers and drifts with the wind. It contains particles or gases from combustion or from an industrial process.

From a distance, and especially at night, it is hard to tell the difference. The message published by the site says what is being released. If there is no message, call the territory's freephone number. If you see a fire, call 18 or 112.""",
    },
    "essai-de-sirene": {
        "title_en": "Why are sirens tested?",
        "summary_en": (
            "On the first Wednesday of every month at noon, warning sirens are tested all over France. "
            "An announced test is not an alert."
        ),
        "body_en": """\
In France, the sirens of the national population warning and information system (SAIP) are tested on the first Wednesday of every month at noon. During the test, the siren plays only one cycle of the signal, lasting 1 minute and 41 seconds.

Around the most hazardous industrial sites (upper-tier Seveso sites), an off-site emergency plan (PPI), drawn up by the prefect, provides for sirens to warn the population. They are usually tested at the same time. A test at any other time is announced here in advance.

The real alert signal is different: a rising and falling sound, repeated three times for 1 minute and 41 seconds each time, with 5-second silences in between. The end of the alert is announced by a continuous 30-second sound.

If the siren sounds outside an announced test, it is an alert: take shelter in the nearest building, close doors and windows, listen to the radio, follow the instructions of the authorities, do not make phone calls and do not go to fetch your children from school. The authorities may also alert you with a message on your mobile phone (FR-Alert).""",
    },
    "odeurs": {
        "title_en": "Why can you smell industrial odours?",
        "summary_en": (
            "Some substances can be smelt at extremely low concentrations. An odour alone does not tell "
            "whether the air is dangerous or not: only measurements can."
        ),
        "body_en": """\
The human nose detects some substances at extremely low concentrations. This is the case with mercaptans, sulphur compounds that smell of rotten cabbage or gas. Sulphur compounds of this kind are in fact added to natural gas and propane so that the slightest leak is noticed.

In industry, odours can appear when storage tanks are filled or cleaned, when waste water is treated, when equipment is opened during a shutdown, or when certain products are loaded. The wind and the weather play a large part: the same operation can be smelt far away one day and not at all the next.

Smelling an odour does not necessarily mean that the concentration is dangerous. But an odour is not proof that all is well either, and the absence of odour proves nothing: hydrogen sulphide, which smells of rotten eggs, paralyses the sense of smell at high concentrations. Only measurements can tell.

If you notice an unusual odour, check the current messages. If there are none, call the territory's freephone number and give the time, the place and the kind of odour. If you have difficulty breathing, irritation or feel unwell, call 15 or 112.""",
    },
    "bruits": {
        "title_en": "Where do sudden noises come from?",
        "summary_en": (
            "Whistling, rumbling, jets of steam: most loud, sudden noises come from safety equipment or "
            "from shutdown and restart phases."
        ),
        "body_en": """\
A safety valve opens automatically when the pressure in a piece of equipment goes above a set limit. It then releases gas or steam to protect the plant, which makes a loud whistling or roaring sound, lasting from a few seconds to several minutes.

During restarts, steam is often released through vents, and pipes are blown through with steam to clean them: these operations can be very noisy and heard several kilometres away, especially at night, when the background noise is low.

The flare can also rumble when it burns a lot of gas. Other noises come from works: cleaning with very high-pressure water, handling, construction machinery.

A loud, sudden noise often means that a protection is working, but it can also come with an incident. The site must publish a message. If there is none, call the territory's freephone number. If you hear an explosion or see a fire, call 18 or 112.""",
    },
    "exercices": {
        "title_en": "Safety drills: POI and PPI",
        "summary_en": (
            "Industrial companies and firefighters train regularly. During a drill, you may see emergency "
            "vehicles and sometimes hear a siren."
        ),
        "body_en": """\
Every upper-tier Seveso site has an internal emergency plan (POI): the organisation the company has set up to deal with an accident inside its site. The regulations require it to be tested at least every three years; many sites train far more often.

The off-site emergency plan (PPI) is drawn up by the prefect. It organises the emergency services and the protection of the population around the site if an accident could have consequences outside it. It too is practised regularly, with the State services, the firefighters, the municipalities and sometimes the residents.

During a drill, you may see emergency vehicles entering the site, artificial smoke and people in protective clothing, and hear loudspeaker announcements. The message published here says what will be visible or audible, and whether the siren will sound.

If the siren sounds and no test or drill has been announced, it is not a drill: follow the instructions to take shelter.""",
    },
    "arrets-et-redemarrages": {
        "title_en": "Major shutdowns and restarts",
        "summary_en": (
            "Every few years, a plant shuts down to be inspected and maintained. The shutdown, and above "
            "all the restart, are when you see, hear and smell the most."
        ),
        "body_en": """\
A “major shutdown” (or turnaround) is a period, often of several weeks, during which all or part of a plant is stopped to be inspected, repaired and modernised. Some inspections of pressure equipment are required by the regulations. At a refinery, a major shutdown usually takes place every four to six years.

To shut a unit down, it has to be emptied, cooled and purged of its products before it is opened: the gases are sent to the flare, steam is used for cleaning, and odours can appear when the equipment is opened.

During the shutdown, hundreds of outside contractors work on the site: there is more traffic around it, and the works can be noisy.

The restart often takes several days. The units are brought back up to temperature and pressure gradually, and until they are running normally, part of the gases is burnt at the flare. This is when flames, steam noises and odours are most frequent. The site publishes the planned schedule here and keeps it up to date.""",
    },
}


def add_english(apps, schema_editor):
    Explainer = apps.get_model("notices", "Explainer")
    for slug, fields in ENGLISH.items():
        Explainer.objects.filter(slug=slug).update(**fields)


class Migration(migrations.Migration):
    dependencies = [("notices", "0003_explainer_english")]

    # Nothing to undo going back: migrating back past 0003 drops the fields.
    operations = [migrations.RunPython(add_english, migrations.RunPython.noop)]
