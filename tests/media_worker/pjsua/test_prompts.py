"""media_worker.pjsua.prompts: a prompt without a recording is synthesised (espeak-ng, sox) and cached."""

import shutil
import wave

import pytest

from media_worker.pjsua import prompts

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")), reason="needs espeak-ng and sox"),
]


def test_prompts_without_a_recording_are_synthesised_and_cached(tmp_path, monkeypatch):
    """A fresh install still has audible prompts: espeak-ng + sox to 8 kHz mono 16-bit, cached."""
    monkeypatch.setattr(prompts, "var_dir", lambda: tmp_path)
    path = prompts.prompt_path("thank_you", 0)
    assert path.parent == tmp_path / "prompts" / "cache"
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getnframes() > 8000 * 0.3
    assert prompts.prompt_path("thank_you", 0) == path  # cached
    assert prompts.prompt_path("thank_you", 2) != path  # another voice
    recorded = tmp_path / "prompts" / "0" / "thank_you.wav"
    recorded.parent.mkdir(parents=True)
    recorded.write_bytes(path.read_bytes())
    assert prompts.prompt_path("thank_you", 0) == recorded
