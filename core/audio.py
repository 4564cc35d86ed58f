"""Uploaded prompts and music on hold are converted to what the media worker plays: 8 kHz mono 16-bit WAV."""

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models

SAMPLE_RATE = 8000


def telephony_wav(upload: UploadedFile) -> ContentFile:
    """Return `upload` converted with sox; a file sox cannot read raises ValidationError."""
    with tempfile.TemporaryDirectory(prefix="ccweb-audio-") as tmp:
        source = Path(tmp) / ("in" + Path(upload.name or "upload").suffix.lower())
        target = Path(tmp) / "out.wav"
        with source.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        result = subprocess.run(
            [
                "sox",
                "-V1",
                str(source),
                "-r",
                str(SAMPLE_RATE),
                "-c",
                "1",
                "-b",
                "16",
                "-e",
                "signed-integer",
                str(target),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            reason = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "unknown format"
            raise ValidationError(f"'{upload.name}' is not an audio file ccweb can play ({reason}).", code="audio")
        return ContentFile(target.read_bytes(), name=Path(upload.name or "audio").stem + ".wav")


def convert_audio_fields(instance: models.Model, data: dict[str, Any], names: tuple[str, ...]) -> None:
    """Replace freshly uploaded files among `names` by their telephony WAV; errors are keyed by field."""
    errors: dict[str, list[ValidationError]] = {}
    for name in names:
        value = data.get(name)
        if isinstance(value, UploadedFile):
            try:
                setattr(instance, name, telephony_wav(value))
            except ValidationError as exc:
                errors[name] = [exc]
    if errors:
        raise ValidationError(errors)
