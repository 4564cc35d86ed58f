"""Fixtures for Director tests: a logged-in staff client and a helper for small WAV files."""

import io
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user("agent7", "agent7@example.com", "agent-pass-123")


def wav_bytes(seconds: float = 0.2, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x10" * int(seconds * rate))
    return buffer.getvalue()


@pytest.fixture
def wav_upload():
    return lambda name="hold.wav": SimpleUploadedFile(name, wav_bytes(), content_type="audio/wav")


@pytest.fixture
def text_upload():
    return lambda name="notes.wav": SimpleUploadedFile(
        name, b"this is not audio at all\n" * 20, content_type="audio/wav"
    )
