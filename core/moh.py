"""The royalty-free default music on hold, synthesised with sox so it is never missing.

A slow arpeggio of plucked chords (C, A minor, F, G) at 8 kHz mono: generated,
so it carries no third-party rights.
"""

import subprocess
import tempfile
from pathlib import Path

CHORDS = [("C4", "E4", "G4", "C5"), ("A3", "C4", "E4", "A4"), ("F3", "A3", "C4", "F4"), ("G3", "B3", "D4", "G4")]
NOTE_SECONDS = 0.5


def generate_default_moh(target: Path, *, repeats: int = 4) -> Path:
    """Write the default music on hold to `target` (about 32 s at the defaults) and return it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ccweb-moh-") as tmp:
        notes: list[str] = []
        for index, note in enumerate(note for chord in CHORDS for note in chord):
            path = Path(tmp) / f"{index:02}.wav"
            _sox(
                [
                    "-n",
                    "-r",
                    "8000",
                    "-c",
                    "1",
                    "-b",
                    "16",
                    str(path),
                    "synth",
                    str(NOTE_SECONDS),
                    "pluck",
                    note,
                    "fade",
                    "0",
                    str(NOTE_SECONDS),
                    "0.15",
                    "vol",
                    "0.5",
                ]
            )
            notes.append(str(path))
        phrase = Path(tmp) / "phrase.wav"
        _sox([*notes, str(phrase)])
        partial = target.with_suffix(".partial.wav")
        _sox([*([str(phrase)] * repeats), str(partial), "reverb", "30", "norm", "-6"])
        partial.replace(target)
    return target


def _sox(args: list[str]) -> None:
    result = subprocess.run(["sox", "-V1", *args], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"sox failed: {result.stderr.strip()}")
