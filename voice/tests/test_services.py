import os
import subprocess
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from notices import services as notice_services
from notices.models import Notice
from voice import services
from voice.models import Bulletin
from voice.services import regenerate_bulletin, sha256_file

from .simulator import audio_info

pytestmark = pytest.mark.django_db


def media(tmp_path, *parts):
    return tmp_path.joinpath("media", "voice", "seine-estuaire", *parts)


def test_a_bulletin_is_written_in_every_format(world, voice, tmp_path):
    world.publish(title="Torchage de nuit", starts_at=timezone.now() - timedelta(minutes=5))
    bulletin = regenerate_bulletin(world.x)
    expected = {"bulletin.wav": "u-law", "bulletin-alaw.wav": "a-law", "current.wav": "u-law", "intro.wav": "u-law",
                "planned.wav": "u-law", "menu.wav": "u-law", "info.wav": "u-law"}
    for name, encoding in expected.items():
        rate, channels, found, rms, duration = audio_info(str(media(tmp_path, name)))
        assert (rate, channels, found.lower()) == (8000, 1, encoding), name
        assert rms > 0.01 and duration > 1, name
    rate, channels, encoding, rms, duration = audio_info(str(media(tmp_path, "bulletin.mp3")))
    assert encoding.startswith("MPEG audio") and channels == 1 and rms > 0.01
    assert abs(duration - bulletin.duration) < 1.5
    assert media(tmp_path, "bulletin.txt").read_text("utf-8") == bulletin.text
    assert "Torchage de nuit." in bulletin.text
    assert bulletin.files["bulletin.wav"]["sha256"] == sha256_file(media(tmp_path, "bulletin.wav"))
    notice = Notice.objects.get()
    assert media(tmp_path, "messages", f"{notice.pk}.mp3").stat().st_size > 1000
    assert "Torchage de nuit." in media(tmp_path, "messages", f"{notice.pk}.txt").read_text("utf-8")


def test_nothing_is_spoken_again_when_the_wording_is_unchanged(world, voice, tmp_path):
    first = regenerate_bulletin(world.x)
    inode = media(tmp_path, "bulletin.wav").stat().st_ino
    assert regenerate_bulletin(world.x).pk == first.pk
    assert media(tmp_path, "bulletin.wav").stat().st_ino == inode
    assert regenerate_bulletin(world.x, force=True).pk != first.pk


def _bulletin_state(tmp_path):
    bulletin = Bulletin.objects.filter(territory__slug="seine-estuaire").first()
    path = media(tmp_path, "bulletin.wav")
    return bulletin, (sha256_file(path) if path.exists() else None)


def test_publishing_regenerates_the_bulletin(world, voice, tmp_path, committed):
    now = timezone.now()
    committed(world.publish, title="Essai de sirène mensuel", starts_at=now + timedelta(days=1),
              expected_end_at=now + timedelta(days=1, hours=1))
    bulletin, digest = _bulletin_state(tmp_path)
    assert "Essai de sirène mensuel." in bulletin.sections["planned"]
    assert digest == bulletin.files["bulletin.wav"]["sha256"]


def test_each_change_of_a_notice_regenerates_the_bulletin(world, voice, tmp_path, committed):
    now = timezone.now()
    planned = committed(world.publish, title="Opération prévue", starts_at=now + timedelta(hours=2),
                        expected_end_at=now + timedelta(hours=5))
    ongoing = committed(world.publish, title="Torchage en cours", starts_at=now - timedelta(minutes=10),
                        expected_end_at=now + timedelta(hours=3))
    seen = [_bulletin_state(tmp_path)]

    def changed(expect_in=None, expect_out=None):
        bulletin, digest = _bulletin_state(tmp_path)
        assert bulletin.pk != seen[-1][0].pk, "no new bulletin"
        assert digest != seen[-1][1], "the audio file did not change"
        if expect_in:
            assert expect_in in bulletin.text
        if expect_out:
            assert expect_out not in bulletin.text
        seen.append((bulletin, digest))

    committed(notice_services.update, world.operator_a, ongoing, {"title": "Torchage prolongé"}, "Prolongation")
    changed(expect_in="Torchage prolongé.", expect_out="Torchage en cours")
    committed(notice_services.end, world.operator_a, ongoing)
    changed(expect_out="Torchage prolongé")
    committed(notice_services.cancel, world.operator_a, planned, reason="Reporté")
    changed(expect_out="Opération prévue")


def test_the_clock_starting_a_planned_operation_regenerates_the_bulletin(world, voice, tmp_path, committed):
    now = timezone.now()
    committed(world.publish, title="Redémarrage", starts_at=now + timedelta(hours=1), expected_end_at=now + timedelta(hours=6))
    before, before_digest = _bulletin_state(tmp_path)
    assert "Redémarrage." in before.sections["planned"]
    committed(notice_services.start_due, now=now + timedelta(hours=1, minutes=1))
    after, after_digest = _bulletin_state(tmp_path)
    assert after.pk != before.pk and after_digest != before_digest
    assert "Redémarrage." in after.sections["current"]


def test_other_apps_changes_do_not_speak_unless_asked(world, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VOICE_REGENERATE_ON_CHANGE = False
    with django_capture_on_commit_callbacks(execute=True):
        world.publish()
    assert not Bulletin.objects.exists()


def test_files_are_replaced_atomically(world, voice, tmp_path):
    regenerate_bulletin(world.x)
    path = media(tmp_path, "bulletin.wav")
    old_bytes, old_inode = path.read_bytes(), path.stat().st_ino
    with open(path, "rb") as reader:  # a caller in the middle of listening
        world.publish(title="Nouvelle information", starts_at=timezone.now() - timedelta(minutes=1))
        regenerate_bulletin(world.x)
        assert reader.read() == old_bytes, "the caller's file changed under them"
    assert path.stat().st_ino != old_inode
    assert not [name for name in os.listdir(path.parent) if name.endswith(".tmp") or name.startswith(".work-")]


def test_a_failed_conversion_leaves_the_previous_bulletin_whole(world, voice, tmp_path, monkeypatch):
    regenerate_bulletin(world.x)
    path = media(tmp_path, "bulletin.wav")
    old_bytes = path.read_bytes()
    real_sox = services._run_sox

    def half_written(arguments):
        real_sox(arguments)
        output = next((a for a in map(str, arguments) if ".bulletin.wav." in a), None)
        if output:  # the temporary file of bulletin.wav
            with open(output, "r+b") as f:
                f.truncate(100)
            raise services.AudioError("disk full")

    monkeypatch.setattr(services, "_run_sox", half_written)
    world.publish(title="Nouvelle information", starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.AudioError):
        regenerate_bulletin(world.x)
    assert path.read_bytes() == old_bytes
    assert subprocess.run(["sox", "--i", str(path)], capture_output=True).returncode == 0
    assert not [name for name in os.listdir(path.parent) if name.endswith(".tmp")]


def test_the_command_regenerates_every_territory(world, voice, tmp_path, capsys):
    call_command("regenerate_bulletins")
    assert Bulletin.objects.filter(territory=world.x).count() == 1
    assert Bulletin.objects.filter(territory=world.y).count() == 1
    assert (tmp_path / "media" / "voice" / "etang-de-berre" / "bulletin.mp3").exists()
    assert "seine-estuaire:" in capsys.readouterr().out


def test_history_is_kept_short(world, voice, monkeypatch):
    monkeypatch.setattr(services, "KEEP_BULLETINS", 2)
    bulletins = [regenerate_bulletin(world.x, force=True) for _ in range(4)]
    assert list(Bulletin.objects.filter(territory=world.x)) == bulletins[:1:-1]
