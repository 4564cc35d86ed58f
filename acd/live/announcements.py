"""When to tell a waiting caller their position and expected wait, and what to say (pure).

The owner of the call (the media worker) keeps one Announcer per waiting call, feeds it the
engine's position messages and a clock tick, and plays what `items()` returns between music on
hold. The service's settings decide: the periodic announcement and its interval, whether the
position and the expected wait are spoken. A position that moves (either way) is announced at
once, unless the last announcement is less than `min_gap_s` old.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: prompt names (per-language prompt folders; the media worker speaks the text when one is missing)
PROMPTS = {
    "queue_position": "You are caller number",
    "expected_wait": "Your expected wait is about",
    "minutes": "minutes",
    "one_minute": "one minute",
    "less_than_a_minute": "less than a minute",
}

Item = tuple[str, str]  # ("prompt", name) | ("file", path) | ("number", digits)


@dataclass(frozen=True)
class AnnouncementSettings:
    """A service's announcement settings (Service.periodic_announcement, announcement_interval, …)."""

    interval_s: float = 60.0
    announce_position: bool = True
    announce_wait: bool = False
    periodic_file: str = ""
    min_gap_s: float = 0.0

    @property
    def enabled(self) -> bool:
        return bool(self.announce_position or self.announce_wait or self.periodic_file)


class Announcer:
    """One waiting call's announcement schedule."""

    def __init__(self, settings: AnnouncementSettings, entered_at: float) -> None:
        self.settings = settings
        self.last_at = entered_at  # the first periodic announcement comes one interval after entering
        self.announced_position: int | None = None
        self.position = 0
        self.expected_wait_s: float | None = None

    def update(self, position: int, expected_wait_s: float | None = None) -> None:
        """A position message from the engine (position 0: no longer waiting)."""
        self.position = position
        self.expected_wait_s = expected_wait_s

    def due(self, now: float) -> bool:
        s = self.settings
        if not s.enabled or self.position <= 0:
            return False
        since = now - self.last_at
        moved = s.announce_position and self.announced_position is not None and self.position != self.announced_position
        if moved and since >= s.min_gap_s:
            return True
        return since >= s.interval_s

    def items(self) -> list[Item]:
        """What to play now; call announced() once it has been played."""
        s = self.settings
        out: list[Item] = []
        if s.periodic_file:
            out.append(("file", s.periodic_file))
        if s.announce_position and self.position > 0:
            out += [("prompt", "queue_position"), ("number", str(self.position))]
        if s.announce_wait and self.expected_wait_s is not None:
            out += wait_items(self.expected_wait_s)
        return out

    def announced(self, now: float) -> None:
        self.last_at = now
        self.announced_position = self.position


def wait_items(seconds: float) -> list[Item]:
    """ "about N minutes", rounded up to whole minutes (callers prefer a wait that ends early)."""
    if seconds < 60:
        return [("prompt", "expected_wait"), ("prompt", "less_than_a_minute")]
    minutes = math.ceil(seconds / 60)
    if minutes == 1:
        return [("prompt", "expected_wait"), ("prompt", "one_minute")]
    return [("prompt", "expected_wait"), ("number", str(minutes)), ("prompt", "minutes")]
