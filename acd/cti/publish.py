"""The one entry point of CTI events: the call path calls `call_offered`, `call_answered`, `call_transferred`;
a closed call record calls `call_ended` (through calls.services.call_events).

Never in the call's way: each function only takes a copy of the profile and puts it on an in-process queue
(after the transaction commits, when there is one), and never raises. One dispatcher thread per process
then takes every event queued so far, reads the exported fields and the webhooks once for them (database
reads), sends each to the WebSocket stream (acd.notifier) and queues one Celery task per subscribed webhook.
A Redis or database outage costs events, never a call: a full queue drops new events with a log line.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connections, transaction

from acd import notifier
from acd.cti import tasks
from acd.cti.events import ANSWERED, ENDED, KINDS, OFFERED, TRANSFERRED, build_event
from calls.selectors import exported_tapi_properties
from calls.services.call_events import CallEnded

log = logging.getLogger(__name__)

QUEUE_MAX = 10000
BATCH_MAX = 200  # events dispatched on one read of the exported fields and the webhooks


@dataclass(frozen=True)
class Pending:
    """An event as the call path saw it; the dispatcher picks its exported fields."""

    kind: str
    call_id: str
    profile: Mapping[str, Any]
    extra: Mapping[str, str] = field(default_factory=dict)  # service, agent, outcome, target, by
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


class Dispatcher:
    """A queue and the thread that empties it. Its three steps are passed in: the tests give their own."""

    def __init__(
        self,
        *,
        exported: Callable[[], Mapping[str, str]] = exported_tapi_properties,
        send: Callable[[dict[str, Any]], None] = notifier.send_cti,
        queue_webhooks: Callable[[list[dict[str, Any]]], object] = tasks.queue_deliveries,
        maxsize: int = QUEUE_MAX,
    ) -> None:
        self.exported, self.send, self.queue_webhooks = exported, send, queue_webhooks
        self.queue: queue.Queue[Pending] = queue.Queue(maxsize)
        self.thread = threading.Thread(target=self._run, name="cti-dispatcher", daemon=True)
        self.thread.start()

    def put(self, pending: Pending) -> None:
        try:
            self.queue.put_nowait(pending)
        except queue.Full:
            log.warning("CTI queue full: %s event of call %s dropped", pending.kind, pending.call_id)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued event has been dispatched (tests, a clean shutdown); False on time-out."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            while len(batch) < BATCH_MAX and not self.queue.empty():
                batch.append(self.queue.get_nowait())  # only this thread takes: never Empty here
            try:
                self.dispatch(batch)
            except Exception:
                log.exception("%d CTI events not dispatched", len(batch))
            finally:
                if self.queue.empty():
                    connections.close_all()  # this thread's connections only: none held while idle
                for _ in batch:
                    self.queue.task_done()

    def dispatch(self, batch: list[Pending]) -> None:
        """One read of the exported fields for the whole batch; each step failing on its own."""
        try:
            exported = self.exported()
        except Exception:
            log.exception("%d CTI events: exported fields not read", len(batch))
            exported = {}
        payloads = []
        for pending in batch:
            payload = build_event(
                pending.kind,
                call_id=pending.call_id,
                profile=pending.profile,
                exported=exported,
                at=pending.at,
                **pending.extra,
            ).payload()
            payloads.append(payload)
            try:
                self.send(payload)
            except Exception:
                log.exception("CTI event %s of call %s not sent to the WebSocket stream", pending.kind, pending.call_id)
        try:
            self.queue_webhooks(payloads)
        except Exception:
            log.exception("%d CTI events not sent to the webhooks", len(payloads))


_current: tuple[int, Dispatcher] | None = None
_lock = threading.Lock()


def dispatcher() -> Dispatcher:
    """The process's dispatcher (a forked child starts its own: it has none of its parent's threads)."""
    global _current
    with _lock:
        if _current is None or _current[0] != os.getpid() or not _current[1].thread.is_alive():
            _current = (os.getpid(), Dispatcher())
        return _current[1]


def publish(kind: str, *, call_id: str, profile: Mapping[str, Any], **extra: str) -> None:
    """Queue the event once the current transaction commits (at once outside one); logs, never raises."""
    try:
        if kind not in KINDS:
            raise ValueError(f"unknown CTI event kind {kind!r}")
        pending = Pending(kind, call_id, dict(profile), {k: str(v or "") for k, v in extra.items()})
        if not _on_event_loop() and transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: dispatcher().put(pending), robust=True)
        else:  # nothing to wait for (an event loop's thread holds no transaction, and may not ask the ORM)
            dispatcher().put(pending)
    except Exception:
        log.exception("CTI event %s of call %s not published", kind, call_id)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


# the four points of a call ---------------------------------------------------------------------------------


def call_offered(*, call_id: str, agent: str, service: str, profile: Mapping[str, Any]) -> None:
    """The agent's phone starts ringing with the call (acd.services.screen_pops.offer_pop)."""
    publish(OFFERED, call_id=call_id, profile=profile, agent=agent, service=service)


def call_answered(*, call_id: str, agent: str, profile: Mapping[str, Any], service: str = "") -> None:
    """The agent answered (acd.services.call_owner.CallOwner.answered)."""
    publish(ANSWERED, call_id=call_id, profile=profile, agent=agent, service=service)


def call_transferred(*, call_id: str, profile: Mapping[str, Any], target: str, by: str, agent: str = "") -> None:
    """A blind transfer of the call started: by an agent's phone, the REST API, a script or an IRN
    (routing.lifecycle.Contact.add_step). `agent`: the agent it leaves, if any."""
    publish(TRANSFERRED, call_id=call_id, profile=profile, target=target, by=by, agent=agent)


def call_ended(event: CallEnded) -> None:
    """A call's record closed (calls.services.call_records.call_finished), whatever closed it."""
    publish(
        ENDED,
        call_id=event.call_id,
        profile=event.profile,
        outcome=event.outcome,
        service=event.service,
        agent=event.agent,
    )
