"""System > Misc: default music on hold (player, upload, back to default) and default language."""

import pytest
from django.urls import reverse

from calls.models import Language
from calls.selectors import system_settings
from tests.director.conftest import wav_bytes
from tests.director.html import field_error

pytestmark = pytest.mark.django_db

URL = reverse("director:system_misc")
MOH_URL = reverse("director:system_moh")


@pytest.fixture
def default_moh(settings, tmp_path):
    """Point the generated default at a temporary file; the test decides whether it exists."""
    settings.CCWEB_DEFAULT_MOH = tmp_path / "moh" / "default.wav"
    return settings.CCWEB_DEFAULT_MOH


def test_missing_default_is_reported_without_a_player(staff_client, default_moh):
    html = staff_client.get(URL).content.decode()
    assert "Generated default in use" in html
    assert "The music on hold file is missing" in html
    assert "<audio" not in html
    assert staff_client.get(MOH_URL).status_code == 404


def test_existing_default_plays_in_an_audio_player(staff_client, default_moh):
    default_moh.parent.mkdir(parents=True)
    default_moh.write_bytes(wav_bytes())
    html = staff_client.get(URL).content.decode()
    assert f'<audio controls preload="none" src="{MOH_URL}"></audio>' in html
    assert "missing" not in html
    response = staff_client.get(MOH_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content) == default_moh.read_bytes()


def test_default_language_is_saved(staff_client, default_moh):
    html = staff_client.get(URL).content.decode()
    for language in Language:
        assert f">{language.label}</option>" in html
    response = staff_client.post(URL, {"default_language": str(Language.HEBREW.value)})
    assert response["Location"] == URL
    assert system_settings().default_language == Language.HEBREW


def test_unknown_language_is_refused_beside_the_field(staff_client, default_moh):
    response = staff_client.post(URL, {"default_language": "9"})
    assert field_error(response, "default_language")
    assert system_settings().default_language == Language.ENGLISH


@pytest.mark.integration
def test_non_audio_upload_is_refused_beside_the_field(staff_client, default_moh, text_upload):
    """sox cannot read it: the error shows beside the upload and neither file nor language is saved."""
    response = staff_client.post(URL, {"default_language": "2", "music_on_hold": text_upload()})
    assert response.status_code == 200
    assert "is not an audio file ccweb can play" in field_error(response, "music_on_hold")
    row = system_settings()
    assert not row.music_on_hold and row.default_language == Language.ENGLISH


@pytest.mark.integration
def test_upload_replaces_the_default_and_can_be_undone(staff_client, default_moh, wav_upload):
    """An uploaded file is played instead of the default until "Use the generated default again"."""
    staff_client.post(URL, {"default_language": "0", "music_on_hold": wav_upload("jazz.mp3.wav")})
    row = system_settings()
    assert row.music_on_hold
    html = staff_client.get(URL).content.decode()
    assert "Uploaded file in use" in html and "<audio" in html
    assert b"".join(staff_client.get(MOH_URL).streaming_content)[:4] == b"RIFF"

    staff_client.post(URL, {"default_language": "0", "use_generated_default": "on"})
    assert not system_settings().music_on_hold
    assert "Generated default in use" in staff_client.get(URL).content.decode()
