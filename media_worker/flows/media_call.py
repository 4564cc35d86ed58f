"""`MediaCall`: what the media side keeps of one caller's leg, typed (the flows of one child share it)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from media_worker.pjsua import events
from media_worker.pjsua.call_control import PjCallControl
from routing.lifecycle import Contact


@dataclass
class MediaCall:
    """One caller's leg on this child, from its INVITE to its end.

    `handle` is the child's CallHandle (answer, dial, bridge, hang up); `control` the scripts' CallControl over
    it once answered; `contact` the lifecycle's view of the call (decision, owner, profile, record trace).
    """

    handle: Any  # media_worker.process.child.CallHandle
    control: PjCallControl | None = None
    contact: Contact | None = None
    task: asyncio.Task | None = None
    #: an Ended that arrived before the control existed (the caller gave up while the call was routed)
    ended: events.Ended | None = None
    #: resolved with the first destination's outcome: an agent answering waits for it before bridging
    started: asyncio.Future | None = None
    #: the bridged agent's leg (a transfer hangs it up), and the one a transfer is ending
    agent_leg: int | None = None
    transferring: int | None = None
    #: registers a leg task (agent ring, transfer) with the handler: the next one and the call's end wait for it
    track: Callable[[asyncio.Task], None] = field(default=lambda task: None)

    @property
    def call_id(self) -> str:
        return self.contact.call_id if self.contact is not None else ""

    @property
    def profile(self) -> dict[str, str]:
        return self.contact.profile if self.contact is not None else {}
