"""Stored audio is streamed only to staff and only for known audio fields."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.director.conftest import wav_bytes
from tests.director.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_with_moh():
    service = ServiceFactory()
    service.music_on_hold.save("hold.wav", ContentFile(wav_bytes()))
    return service


def test_service_audio_streams_the_stored_wav(staff_client, service_with_moh):
    response = staff_client.get(reverse("director:service_audio", args=[service_with_moh.pk, "music_on_hold"]))
    assert response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content) == wav_bytes()


def test_empty_audio_field_is_404(staff_client, service_with_moh):
    url = reverse("director:service_audio", args=[service_with_moh.pk, "welcome_announcement"])
    assert staff_client.get(url).status_code == 404


def test_only_audio_fields_can_be_read(staff_client, service_with_moh):
    """The field name comes from the URL: anything but the three audio fields is refused."""
    assert staff_client.get(reverse("director:service_audio", args=[service_with_moh.pk, "name"])).status_code == 404
