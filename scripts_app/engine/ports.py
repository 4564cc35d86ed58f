"""What the engine drives. Media workers, the SQL layer and the ACD implement these; tests use fakes.

All methods are coroutines: a call's script runs as one asyncio task.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from scripts_app.sql.types import SqlResult

#: Call profile Language values (guide, Table 1)
LANGUAGES = {0: "English", 1: "Hebrew", 2: "Russian", 3: "Arabic", 4: "Mexican Spanish"}

#: How Announce speaks a value
SAY_FORMATS = ("text", "number", "digits", "currency", "date", "time")


class CallControl(Protocol):
    """The caller's media leg."""

    async def play(self, prompts: Sequence[str], *, language: int) -> None:
        """Play the named prompts in order (per-language prompt folders); returns when done."""

    async def say(self, value: str, *, format: str, language: int) -> None:
        """Speak `value` in `format` (one of SAY_FORMATS) in the call's language."""

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
        """Play `prompts` (digits typed during them count) and collect up to `max_digits` DTMF digits.

        Returns the digits without the terminator; "" when nothing was typed before `first_timeout`.
        Stops at the terminator, at `max_digits`, or when `inter_timeout` passes between digits.
        """

    async def start_music_on_hold(self) -> None:
        """Loop the music on hold until stop_music_on_hold (SQL actions run under it)."""

    async def stop_music_on_hold(self) -> None: ...

    async def wait(self, seconds: float) -> None:
        """Silence for `seconds` (music on hold continues if it is playing)."""

    async def transfer(self, target: str) -> bool:
        """Blind-transfer the caller to an extension, a number or a SIP URI; False if it failed."""

    async def hangup(self) -> None: ...


class SqlGateway(Protocol):
    """Database interactions (scripts_app.sql) as a script sees them; failures raise SqlError."""

    async def connect(self, connection: str) -> None:
        """SQLConnect: make sure the named Database Connection can be reached (opens a pooled connection)."""

    async def execute(
        self,
        connection: str,
        statement: str,
        profile: Mapping[str, str],
        *,
        select_only: bool = False,
        mapping: Mapping[str, str] | None = None,
    ) -> SqlResult:
        """Run `statement` with %Field% tokens bound from `profile`, within the connection's Timeout."""

    async def disconnect(self, connection: str) -> None:
        """SQLDisconnect: the script is done with this connection."""


class AcdPort(Protocol):
    """The ACD: queues and callbacks."""

    async def queue_to_service(self, call_id: str, service: str, profile: Mapping[str, str]) -> str:
        """Hand the call to `service`'s queue. Returns "queued", "no_agents", "full" or "unknown_service"."""

    async def request_callback(self, call_id: str, profile: Mapping[str, str]) -> bool:
        """Register a callback to profile["Call Back Destination"] keeping the caller's place; False if refused."""


class ScriptLoader(Protocol):
    """Published scripts by name, for Subscript (the Graph of the version in force, or None)."""

    def load(self, name: str) -> object | None: ...
