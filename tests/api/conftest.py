"""Fixtures for the REST API tests: a staff client and real audio for uploads."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient


@pytest.fixture
def api(admin_user) -> APIClient:
    """A client logged in as the superuser (session authentication)."""
    client = APIClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def tone(tmp_path):
    """A 1 s, 44.1 kHz stereo WAV that the service converts to 8 kHz mono (needs sox)."""
    path = tmp_path / "tone.wav"
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", str(path), "synth", "1", "sine", "440"], check=True)
    return SimpleUploadedFile("hold music.wav", path.read_bytes(), content_type="audio/wav")
