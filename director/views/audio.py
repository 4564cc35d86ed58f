"""Stream stored WAV files to the Director's <audio> players (login required; MEDIA_URL is not served)."""

from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from acd.models import Service
from calls.selectors import default_music_on_hold_path
from core.access import configuration_required


def wav_response(path: Path) -> FileResponse:
    if not path.is_file():
        raise Http404("The audio file is missing.")
    return FileResponse(path.open("rb"), content_type="audio/wav")


@configuration_required
def default_music_on_hold(request: HttpRequest) -> FileResponse:
    """The music on hold System > Misc plays: the uploaded file, else the generated default."""
    return wav_response(default_music_on_hold_path())


@configuration_required
def service_audio(request: HttpRequest, pk: int, field: str) -> FileResponse:
    """A service's music on hold or announcement."""
    if field not in Service.AUDIO_FIELDS:
        raise Http404("No such audio field.")
    stored = getattr(get_object_or_404(Service, pk=pk), field)
    if not stored:
        raise Http404("No file is stored.")
    return wav_response(Path(stored.path))
