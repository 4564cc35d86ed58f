"""Music on hold and announcements: converted with sox to 8 kHz mono; the default is generated, never missing."""

import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from calls.models import SystemSettings
from calls.selectors import default_music_on_hold_path, system_settings
from core.moh import generate_default_moh
from core.services import service_for

pytestmark = pytest.mark.integration


def soxi(path, flag):
    return subprocess.run(["soxi", flag, str(path)], capture_output=True, text=True, check=True).stdout.strip()


def tone(tmp_path, rate=44100, channels=2):
    path = tmp_path / "tone.wav"
    subprocess.run(
        ["sox", "-n", "-r", str(rate), "-c", str(channels), str(path), "synth", "1", "sine", "440"], check=True
    )
    return SimpleUploadedFile("hold music.wav", path.read_bytes(), content_type="audio/wav")


def test_default_moh_is_a_real_8khz_mono_recording(tmp_path):
    path = generate_default_moh(tmp_path / "moh.wav", repeats=1)
    assert soxi(path, "-r") == "8000" and soxi(path, "-c") == "1"
    assert float(soxi(path, "-D")) == pytest.approx(8.0, abs=0.1)
    stats = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True).stderr
    rms = float(next(line.split(":")[1] for line in stats.splitlines() if line.startswith("RMS     amplitude")))
    assert rms > 0.01, "the default music on hold must not be silence"


@pytest.mark.django_db
def test_uploaded_moh_is_converted_and_used(tmp_path, settings):
    settings.CCWEB_DEFAULT_MOH = tmp_path / "default.wav"
    assert default_music_on_hold_path() == settings.CCWEB_DEFAULT_MOH
    service_for(SystemSettings).update(instance=system_settings(), data={"music_on_hold": tone(tmp_path)})
    path = default_music_on_hold_path()
    assert path.suffix == ".wav" and path.exists()
    assert soxi(path, "-r") == "8000" and soxi(path, "-c") == "1"


@pytest.mark.django_db
def test_non_audio_upload_is_a_field_error_and_nothing_changes(tmp_path):
    bad = SimpleUploadedFile("notes.wav", b"this is not audio", content_type="audio/wav")
    with pytest.raises(ValidationError) as caught:
        service_for(SystemSettings).update(
            instance=system_settings(), data={"music_on_hold": bad, "default_language": 2}
        )
    assert list(caught.value.message_dict) == ["music_on_hold"]
    assert "not an audio file" in caught.value.message_dict["music_on_hold"][0]
    row = SystemSettings.objects.get(pk=1)
    assert not row.music_on_hold and row.default_language == 0
