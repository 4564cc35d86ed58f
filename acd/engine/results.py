"""What the engine's operations return (plain data: history and owners read these)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def encode_skills(skills: Mapping[str, int] | None) -> str:
    """Required skills as the scripts take them: JSON with sorted keys, "{}" for none."""
    return json.dumps(dict(skills), sort_keys=True) if skills else "{}"


def decode_str(value: Any) -> Any:
    """Redis bytes -> str; anything else as it is."""
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True)
class EnqueueResult:
    """status: "queued" | "no_agents" | "full" | "unknown_service"; agent: reserved at once, if any.

    score and entered_at (ms, Redis time) are what the owner keeps to re-publish the call at its
    place after a Redis restart (restore()).
    """

    status: str
    agent: str | None = None
    score: str = ""
    entered_at: int = 0


@dataclass(frozen=True)
class Removal:
    """What history needs of a call that left (or, as a callback, stayed in) the ACD.

    position: 1-based, 0 if it was not waiting; state: its state before (waiting, reserved,
    connected); outcome: "removed", or "callback" when it keeps its place as a callback.
    """

    position: int
    wait_s: float
    state: str
    outcome: str = "removed"


@dataclass(frozen=True)
class Diversion:
    """A call that supervise() took out of its queue.

    reason: "overflowed" (maximum queue time), "no_agent" (no logged-in agent could take it for the
    no-agent timer), "expired" (a callback past its last time). kind/target: where it goes; for
    kind "service" the ACD already queued it there, anything else the owner routes.
    """

    call: str
    reason: str
    position: int
    wait_s: float
    kind: str
    target: str


@dataclass(frozen=True)
class Requeued:
    """A reservation that ended without an answer: the call went back to its place.

    got: agent now reserved for the call; other: call now reserved for the agent; callback:
    "retry" | "exhausted" (a callback with no attempt left was dropped) | "" for other calls.
    """

    call: str
    agent: str
    got: str | None = None
    other: str | None = None
    callback: str = ""


def enqueue_result(res: Any) -> EnqueueResult:
    """An enqueue script's reply: {status} or {status, agent, score, entered_at}."""
    if len(res) < 2:
        return EnqueueResult(decode_str(res[0]))
    return EnqueueResult(decode_str(res[0]), decode_str(res[1]) or None, decode_str(res[2]), int(res[3]))
