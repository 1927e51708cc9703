"""SMS keywords end to end: a phone sends through Kannel's fake SMSC, Kannel's sms-service calls
Riverains (a live server), the answer is queued in the outbox, the relay's sender hands it to
Kannel's sendsms, and the phone receives it (see kannel_line.py)."""
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from notices.models import Category
from relay import gsm
from relay.models import Delivery, DeliveryStatus, Subscription
from relay.sender import send_pending
from reports.models import Report

from .kannel_line import INBOUND_TOKEN, PASSWORD, USER, start_line

PHONE = "+33612345678"


@pytest.fixture
def line(world, live_server, tmp_path, settings):
    line = start_line(tmp_path, f"{live_server.url}/relais/sms/entrant")
    settings.RELAY_INBOUND_SMS_TOKEN = INBOUND_TOKEN
    settings.KANNEL_URL, settings.KANNEL_USER, settings.KANNEL_PASSWORD = line.sendsms_url, USER, PASSWORD
    yield line
    line.stop()


def answered(line, count, timeout=15):
    """Run the relay's sender (run_relay's loop) until the phones got `count` answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        send_pending()
        if len(line.answers()) >= count:
            break
        time.sleep(0.05)
    return line.answers()


def test_info_by_sms_is_answered_through_kannel(world, line):
    notice = world.publish(site=world.site_b, title="Vapeur visible au-dessus de l'atelier d'ammoniac",
                           starts_at=timezone.now() - timedelta(minutes=5))

    line.send(PHONE, "info 76600")

    [(receiver, text)] = answered(line, 1)
    assert receiver == PHONE
    assert text.startswith("Le Havre : 1 activité en cours. 1) Vapeur visible au-dessus de l'atelier d'ammoniac")
    assert text.endswith("/seine-estuaire/") and notice.pk
    delivery = Delivery.objects.get(kind="sms_answer")
    assert delivery.status == DeliveryStatus.SENT and delivery.address == ""  # the number is forgotten


def test_an_accented_report_keyword_records_the_report_and_answers(world, line):
    notice = world.publish(category=Category.STEAM, perceptions=["visible"], title="Panache de vapeur",
                           starts_at=timezone.now() - timedelta(minutes=5))

    line.send(PHONE, "Fumée 76700 Harfleur")

    [(_, text)] = answered(line, 1)
    report = Report.objects.get()
    assert report.kind == "smoke_steam" and report.commune.name == "Harfleur" and report.explained
    assert text.startswith("Merci, signalement enregistré (fumée ou vapeur, Harfleur). Un message publié l'explique")
    assert text.endswith(f"/seine-estuaire/messages/{notice.pk}/")


def test_a_two_part_answer_arrives_as_two_concatenated_sms(world, line):
    for i in range(6):
        world.publish(title=f"Torchage {i} : flamme visible pendant le redémarrage de l'unité de craquage",
                      starts_at=timezone.now() - timedelta(minutes=5))

    line.send(PHONE, "INFO HARFLEUR")

    [(_, text)] = answered(line, 1)
    assert line.part_count() == 2 and gsm.segments(text) == 2
    assert text.startswith("Harfleur : 6 activités en cours.") and text.endswith("/seine-estuaire/")


def test_abo_then_stop_through_kannel(world, line):
    line.send(PHONE, "ABO 76600")
    [(_, text)] = answered(line, 1)
    assert text.startswith("Abonnement SMS confirmé pour Le Havre") and "/abonnement/gerer/" in text
    assert Subscription.objects.get(address=PHONE).is_confirmed

    line.send(PHONE, "STOP")
    answers = answered(line, 2)
    assert answers[1] == (PHONE, "Vous etes desabonne, vos donnees sont effacees.")
    assert not Subscription.objects.exists()
