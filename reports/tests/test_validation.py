"""Bad input: a clear French message, and nothing saved."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports import services
from reports.models import Report

GONFREVILLE = (49.5000, 0.2300)


def errors_for(world, **changes):
    data = dict(kind="odour", intensity=3, descriptors=["sulphur"], observed_at=timezone.now(),
                latitude=GONFREVILLE[0], longitude=GONFREVILLE[1], comment="", email="")
    data.update(changes)
    with pytest.raises(ValidationError) as caught:
        services.submit(world.x, data, "192.0.2.50", "phone")
    assert not Report.objects.exists()
    return caught.value.message_dict if hasattr(caught.value, "error_dict") else {"__all__": caught.value.messages}


@pytest.mark.parametrize("changes, field, words", [
    ({"kind": "smell"}, "kind", "Choisissez ce que vous percevez"),
    ({"intensity": 9}, "intensity", "de très faible à extrêmement forte"),
    ({"intensity": "beaucoup"}, "intensity", "de très faible à extrêmement forte"),
    ({"descriptors": ["lavender"]}, "descriptors", "type d'odeur"),
    ({"observed_at": None}, "observed_at", "Indiquez quand"),
    ({"latitude": "", "longitude": ""}, "position", "Indiquez où vous êtes"),
    ({"latitude": "abc", "longitude": "0.2"}, "position", "pas lisible"),
    ({"latitude": 40.7, "longitude": -74.0}, "position", "hors de France"),
    ({"latitude": 48.8566, "longitude": 2.3522}, "position", "ne couvre que les environs des sites"),
    ({"latitude": "", "longitude": "", "commune": "13056"}, "commune", "Choisissez une commune du territoire"),
    ({"comment": "x" * 501}, "comment", "limité à 500 caractères"),
    ({"email": "pas-une-adresse"}, "email", "n'est pas valide"),
])
def test_bad_input_gets_a_french_message_and_saves_nothing(world, changes, field, words):
    errors = errors_for(world, **changes)

    assert words in " ".join(errors[field])


def test_a_time_in_the_future_is_refused(world):
    errors = errors_for(world, observed_at=timezone.now() + timedelta(hours=1))

    assert "dans le futur" in errors["observed_at"][0]


def test_a_report_of_another_day_is_refused(world):
    errors = errors_for(world, observed_at=timezone.now() - timedelta(days=1, minutes=5))

    assert "aujourd'hui" in errors["observed_at"][0]


def test_several_problems_are_reported_together(world):
    errors = errors_for(world, kind="", intensity=None, email="@")

    assert set(errors) == {"kind", "intensity", "email"}


def test_the_honeypot_stops_robots(world):
    errors = errors_for(world, website="http://spam.example")

    assert "n'a pas pu être enregistré" in errors["__all__"][0]


def test_descriptors_are_kept_only_for_odours(world):
    report, _ = services.submit(world.x, dict(kind="noise", intensity=2, descriptors=["sulphur"],
                                              observed_at=timezone.now(), latitude=GONFREVILLE[0],
                                              longitude=GONFREVILLE[1]), "192.0.2.60", "")

    assert report.descriptors == []


def test_the_network_address_is_never_stored_in_clear(world):
    report, _ = services.submit(world.x, dict(kind="noise", intensity=2, observed_at=timezone.now(),
                                              latitude=GONFREVILLE[0], longitude=GONFREVILLE[1]), "192.0.2.61", "")

    stored = Report.objects.filter(pk=report.pk).values().get()
    assert not any("192.0.2.61" in str(value) for value in stored.values())
    assert len(report.network_hash) == 64
