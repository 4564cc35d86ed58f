"""The media child's originate hook: take the ACD's dial requests when there is room, and dial them.

`ScriptHandler.start` (called by the child's loop once its endpoint is up) starts `Originator.run` on the
child's asyncio loop. Every `poll_s` (1 s by default: a request waits at most that long, and an idle pool
costs Redis one non-blocking XREADGROUP per child per second) it checks for room — no dial in progress and
both legs fit beside the child's calls (`originate.has_room`) — and only then claims one request, in a worker
thread, so the loop never blocks on Redis. While a dial is in progress its legs not yet placed count as
`reserved_slots`: the child's capacity rule answers 486 to a caller that would take them. Every
`STALE_CHECK_S` it also takes over requests left unacknowledged by a child that died (`claim_stale`) and ends
the ACD side of connected callbacks whose child died (`end_orphans`).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Any

from core.orm import run_orm
from media_worker.flows.originate import SLOTS_PER_CALLBACK, OriginateSettings, has_room
from media_worker.flows.originate_acd import AcdOriginatePort
from media_worker.flows.originate_dial import CallbackDial

log = logging.getLogger("media_worker.flows.originate")

STALE_CHECK_S = 30.0
ERROR_BACKOFF_S = 5.0


class Originator:
    """One per child: polls the originate stream for `owner` and runs each request as a CallbackDial."""

    def __init__(
        self,
        owner: str,
        endpoint: Any,
        *,
        settings: OriginateSettings | None = None,
        port_factory: Callable[[str], Any] | None = None,
    ) -> None:
        self.owner = owner
        self.endpoint = endpoint
        self.settings = settings or OriginateSettings.from_env(os.environ)
        self.port_factory = port_factory or AcdOriginatePort
        self.port: Any = None
        self.dials: set[CallbackDial] = set()
        self.tasks: set[asyncio.Task] = set()
        self._runner: asyncio.Task | None = None

    @property
    def reserved_slots(self) -> int:
        """Slots promised to dials in progress and not yet taken by a leg.

        Not the claim's: it runs every poll and nearly always finds nothing, and reserving for it would
        answer 486 to callers for nothing. A caller arriving during the claim may take the kept slot; both
        legs still fit in pjsua's four (PJSUA_MAX_CALLS), only that caller's agent leg would then wait.
        """
        return sum(max(0, SLOTS_PER_CALLBACK - dial.legs_placed) for dial in self.dials)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._runner is None or self._runner.done():
            self._runner = loop.create_task(self.run())

    def stop(self) -> None:
        """No new requests; dials in progress hang up their legs and report `failed` (or the call's end)."""
        for task in [self._runner, *self.tasks]:
            if task is not None and not task.done():
                task.cancel()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        next_stale = loop.time() + self.settings.poll_s
        while True:
            await asyncio.sleep(self.settings.poll_s)
            try:
                if self.port is None:
                    self.port = await run_orm(self.port_factory, self.owner)
                if loop.time() >= next_stale:
                    next_stale = loop.time() + STALE_CHECK_S
                    await asyncio.to_thread(self.port.claim_stale, int(self.settings.stale_s * 1000))
                    await asyncio.to_thread(self.port.end_orphans)
                if not has_room(self.endpoint.active_calls, self.endpoint.capacity, len(self.dials)):
                    continue
                requests = await asyncio.to_thread(self.port.claim, 1)
            except Exception:
                log.exception("originate: requests not read")
                await asyncio.sleep(ERROR_BACKOFF_S)
                continue
            for request in requests:
                self.dial(request)

    def dial(self, request: Any) -> asyncio.Task:
        """Run one request on this loop (the Originator keeps the task and its slots until it is over)."""
        dial = CallbackDial(request, self.endpoint, self.port, self.settings)
        self.dials.add(dial)
        task = asyncio.get_running_loop().create_task(dial.run())
        self.tasks.add(task)

        def done(task: asyncio.Task) -> None:
            self.dials.discard(dial)
            self.tasks.discard(task)
            if not task.cancelled() and task.exception() is not None:
                log.error("callback %s: dial failed", request.call_id, exc_info=task.exception())

        task.add_done_callback(done)
        return task
