"""Tones for the end-to-end tests and what a recording of a call holds, window by window."""

from __future__ import annotations

import array
import math
import subprocess
import wave
from pathlib import Path


def tone(path: Path, hz: int, seconds: float, *, rate: int = 8000) -> Path:
    """A 16-bit mono sine WAV (sox), half of full scale."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["sox", "-n", "-r", str(rate), "-c", "1", "-b", "16", str(path), "synth", str(seconds), "sine", str(hz)]
        + ["vol", "0.5"],
        check=True,
        timeout=30,
    )
    return path


def windows(path: Path, window_s: float = 0.1) -> list[tuple[float, float]]:
    """(RMS, frequency estimated from zero crossings) of each window of a 16-bit mono WAV."""
    with wave.open(str(path)) as wav:
        rate = wav.getframerate()
        samples = array.array("h", wav.readframes(wav.getnframes()))
    size = int(rate * window_s)
    out = []
    for start in range(0, len(samples) - size + 1, size):
        chunk = samples[start : start + size]
        rms = math.sqrt(sum(x * x for x in chunk) / size)
        crossings = sum(1 for a, b in zip(chunk, chunk[1:], strict=False) if (a < 0) != (b < 0))
        out.append((rms, crossings / 2 / window_s))
    return out


def seconds_of(path: Path, hz: float, *, tolerance: float = 0.1, min_rms: float = 100, window_s: float = 0.1) -> float:
    """How many seconds of the recording carry a tone of about `hz` (±tolerance) above `min_rms`."""
    hits = sum(1 for rms, f in windows(path, window_s) if rms >= min_rms and abs(f - hz) <= hz * tolerance)
    return hits * window_s
