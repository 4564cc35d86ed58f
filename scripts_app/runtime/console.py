"""A pretend caller for the simulator: what the caller would hear is written down, keypresses come from a string.

Nothing sleeps: timeouts happen at once when no digits are left, so a simulation is instant.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Mapping, Sequence

from scripts_app.speech import spoken_text


class ConsoleMedia:
    """CallControl that records what the caller hears and types `digits` when asked for input."""

    def __init__(self, digits: str = "", *, echo: Callable[[str], None] | None = None, currency: str = "USD") -> None:
        self.pending = deque(digits)
        self.heard: list[str] = []
        self.echo = echo
        self.currency = currency
        self.on_hold = False

    def _hear(self, line: str) -> None:
        self.heard.append(line)
        if self.echo:
            self.echo(line)

    async def play(self, prompts: Sequence[str], *, language: int) -> None:
        for prompt in prompts:
            self._hear(f"[prompt] {prompt}")

    async def say(self, value: str, *, format: str, language: int) -> None:
        words = spoken_text(value, format=format, language=language, currency=self.currency)
        self._hear(f'[speech] "{words}" ({format} {value!r})')

    async def collect_digits(
        self,
        *,
        prompts: Sequence[str],
        language: int,
        max_digits: int,
        terminator: str,
        first_timeout: float,
        inter_timeout: float,
    ) -> str:
        await self.play(prompts, language=language)
        typed = ""
        while self.pending and len(typed) < max_digits:
            digit = self.pending.popleft()
            if terminator and digit == terminator:
                break
            typed += digit
        self._hear(f"[caller types] {typed or '(nothing: timeout)'}")
        await asyncio.sleep(0)
        return typed

    async def start_music_on_hold(self) -> None:
        if not self.on_hold:
            self.on_hold = True
            self._hear("[music on hold]")

    async def stop_music_on_hold(self) -> None:
        if self.on_hold:
            self.on_hold = False
            self._hear("[music on hold stops]")

    async def wait(self, seconds: float) -> None:
        self._hear(f"[pause {seconds:g} s]")

    async def transfer(self, target: str) -> bool:
        self._hear(f"[transferred to {target}]")
        return True

    async def hangup(self) -> None:
        self._hear("[call ends]")


class SimulatedAcd:
    """AcdPort for the simulator: a call is 'queued' to any service that exists."""

    def __init__(self, services: Callable[[], set[str]], media: ConsoleMedia) -> None:
        self.services = services
        self.media = media

    async def queue_to_service(self, call_id: str, service: str, profile: Mapping[str, str]) -> str:
        known = await asyncio.to_thread(self.services)
        if service not in known:
            return "unknown_service"
        self.media._hear(f"[queued to service {service}]")
        return "queued"

    async def request_callback(self, call_id: str, profile: Mapping[str, str]) -> bool:
        self.media._hear(f"[callback requested to {profile.get('Call Back Destination', '')}]")
        return True
