"""Prompt names and spoken text → WAV files the media child can play (8 kHz mono 16-bit).

A prompt named `welcome` for language 0 is `<CCWEB_VAR_DIR>/prompts/0/welcome.wav` (or the folder named
by the voice code, `prompts/en/welcome.wav`) when an administrator put one there. Otherwise its words
(underscores become spaces: `enter_account` → "enter account") are synthesised with espeak-ng in the
language's voice and converted by sox, so a fresh installation still has audible prompts. Synthesised
files are cached under `<CCWEB_VAR_DIR>/prompts/cache/`, keyed by text and voice; writes are atomic, so
several children may synthesise the same prompt at once.

Blocking (subprocesses): the media child calls these through `asyncio.to_thread`. No pjsua2 here.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
from pathlib import Path

#: call profile Language (guide, Table 1) → espeak-ng voice
VOICES = {0: "en", 1: "he", 2: "ru", 3: "ar", 4: "es-419"}
_SAFE_NAME = re.compile(r"^[\w\-. ]+$")


def var_dir() -> Path:
    try:
        from django.conf import settings

        return Path(settings.VAR_DIR)
    except Exception:  # outside Django (tools, unit tests)
        return Path(os.environ.get("CCWEB_VAR_DIR", "var"))


def prompts_dir() -> Path:
    return var_dir() / "prompts"


def cache_dir() -> Path:
    return prompts_dir() / "cache"


def voice_for(language: int | str) -> str:
    try:
        return VOICES.get(int(language), VOICES[0])
    except (TypeError, ValueError):
        return VOICES[0]


def prompt_path(name: str, language: int | str = 0) -> Path:
    """The WAV for prompt `name` in `language`: the recorded file when present, else synthesised."""
    recorded = recorded_prompt(name, language)
    if recorded is not None:
        return recorded
    words = _bare(name).replace("_", " ").strip() or "prompt"
    return speech_path(words, language)


def recorded_prompt(name: str, language: int | str = 0) -> Path | None:
    """The recorded WAV of prompt `name` in `language`'s folder (number or voice name), None if there is none."""
    name = _bare(name)
    if name and _SAFE_NAME.match(name) and ".." not in name:
        for folder in (str(language), voice_for(language)):
            recorded = prompts_dir() / folder / f"{name}.wav"
            if recorded.is_file():
                return recorded
    return None


def _bare(name: str) -> str:
    name = (name or "").strip()
    return name[:-4] if name.lower().endswith(".wav") else name


def speech_path(text: str, language: int | str = 0) -> Path:
    """`text` spoken by espeak-ng in the language's voice, cached by text and voice."""
    voice = voice_for(language)
    key = hashlib.sha1(f"{voice}\0{text}".encode()).hexdigest()
    target = cache_dir() / f"{key}.wav"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ccweb-tts-", dir=target.parent) as tmp:
        raw = Path(tmp) / "raw.wav"
        ready = Path(tmp) / "ready.wav"
        _run(["espeak-ng", "-v", voice, "-w", str(raw), "--", text or " "])
        _run(["sox", "-V1", str(raw), "-r", "8000", "-c", "1", "-b", "16", str(ready)])
        os.replace(ready, target)
    return target


def _run(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {result.stderr.strip()}")
