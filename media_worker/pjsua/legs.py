"""An outbound leg's events as futures, and the small future helpers the call flows share.

The child's loop calls a `Leg` (the listener a leg was placed with, `Endpoint.make_call`) with each of
the leg's events; the flows (agent legs, transfers, callbacks) await its futures. Runs on the loop thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from media_worker.pjsua import events


class Leg:
    """An outbound leg (agent, transfer target, callback customer): ringing, confirmed, media, ended, refer."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.ringing = loop.create_future()
        self.confirmed = loop.create_future()
        self.media = loop.create_future()
        self.ended = loop.create_future()
        self.refer = loop.create_future()  # the far end asked to transfer the call (REFER): the target URI
        self.call_id = 0
        self.on_dtmf: Callable[[str], None] | None = None  # a key the far end pressed, once the flow wants them
        self.on_hold: Callable[[bool], None] | None = None  # the far end put the call on hold (True) or resumed

    def __call__(self, event: events.Event) -> None:
        if isinstance(event, events.CallState):
            if event.state == "EARLY" and event.status_code in (180, 183):
                resolve(self.ringing, event.status_code)
            elif event.state == "CONFIRMED":
                resolve(self.confirmed, True)
        elif isinstance(event, events.MediaReady):
            resolve(self.media, True)
        elif isinstance(event, events.Ended):
            resolve(self.ended, event)
        elif isinstance(event, events.TransferRequest):
            resolve(self.refer, event.target)
        elif isinstance(event, events.Dtmf) and self.on_dtmf is not None:
            self.on_dtmf(event.digit)
        elif isinstance(event, events.Hold) and self.on_hold is not None:
            self.on_hold(event.held)

    @property
    def status(self) -> int | None:
        """The final SIP status once the leg ended, else None."""
        return self.ended.result().status_code if self.ended.done() else None


def resolve(future: asyncio.Future | None, value: Any = None) -> None:
    """Set `future`'s result unless it is already done (events may come twice, or after a timeout)."""
    if future is not None and not future.done():
        future.set_result(value)


async def wait_quietly(awaitable: Any, timeout: float) -> None:
    """Wait up to `timeout` for `awaitable` without cancelling it and without raising on the timeout."""
    try:
        await asyncio.wait_for(asyncio.shield(awaitable), timeout)
    except TimeoutError:
        pass
