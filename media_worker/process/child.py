"""A media child: one pjsua2 endpoint on one SIP port, driven by one loop on one thread.

The loop polls pjsua2 (`Endpoint.handle_events`, for as long as nothing is due: `poll_timeout_ms`), drains
the adapter's event queue, hands each event to a *call handler*, then steps the child's asyncio event loop
once (on the same thread): coroutines — a call's script — may therefore call pjsua2 directly and await
futures that the events resolve, while blocking work (the database, espeak-ng) goes through
`asyncio.to_thread`. The *call handler* is a plain-Python callable `handler(event, call)` where `call` is a
`CallHandle` (answer / play / stop_play / hangup). `media_worker.flows.inbound.ScriptHandler` (the default) runs each
call's IRN destination; `PromptHandler` (tests, `--prompt`) answers, plays one prompt, hangs up, and
answers 404 for a number it is told is unknown.

Before the handler sees a new call the loop enforces the child's capacity (see `media_worker.pjsua.endpoint`
for why 3): a call beyond it is answered 486 so the SIP front tries another child.

SIGTERM or SIGINT: hang up every call, destroy the endpoint, return 0. A child started by the supervisor
also exits when its parent goes away, so a killed supervisor leaves no orphan holding SIP ports.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from media_worker.pjsua import events

log = logging.getLogger("media_worker.process.child")


def owner_id(port: int) -> str:
    """The CallOwner id (and CallRecord.owner) of the media child on SIP `port` of this host."""
    return f"{socket.gethostname()}:{port}"


REAP_SECONDS = 10.0  # how often the loop looks for calls pjsua lost without telling us (Endpoint.reap_lost)

# The seam for the IRN lookup and the script interpreter: called with every event of a call, on the loop thread.
CallHandler = Callable[[events.Event, "CallHandle"], None]


@dataclass
class CallHandle:
    """What a handler may do to one call. `play` before the audio is up waits for `MediaReady`."""

    endpoint: Any  # media_worker.pjsua.endpoint.Endpoint (kept untyped so this module imports without pjsua2)
    incoming: events.IncomingCall
    loop: asyncio.AbstractEventLoop | None = None
    answered: bool = False
    ended: bool = False
    pending_play: tuple[str, bool] | None = None
    data: dict = field(default_factory=dict)

    @property
    def call_id(self) -> int:
        return self.incoming.call_id

    def answer(self, code: int = 200) -> None:
        if self.ended:
            return
        if self.endpoint.answer(self.call_id, code) and 200 <= code < 300:
            self.answered = True

    def play(self, wav_path: str, *, loop: bool = False) -> None:
        if self.ended:
            return
        if not self.endpoint.play(self.call_id, wav_path, loop=loop):
            self.pending_play = (wav_path, loop)

    def stop_play(self) -> None:
        self.pending_play = None
        self.endpoint.stop_play(self.call_id)

    def hangup(self, code: int = 0) -> None:
        if not self.ended:
            self.endpoint.hangup(self.call_id, code)

    def dial(
        self, uri: str, headers: dict[str, str], listener: Callable[[events.Event], None], *, from_uri: str = ""
    ) -> int:
        """Place an outbound leg (the agent's) from this child; its events go to `listener`; `from_uri` (a
        name-addr) replaces the child's own From, so the phone shows who calls."""
        if from_uri:
            return self.endpoint.make_call(uri, headers, listener, from_uri=from_uri)
        return self.endpoint.make_call(uri, headers, listener)

    def bridge(self, other_call_id: int) -> bool:
        """Connect this call's audio with another call's (both ways); False while either has no audio."""
        if self.ended:
            return False
        self.pending_play = None
        return self.endpoint.bridge(self.call_id, other_call_id)

    def media_ready(self) -> None:
        if self.pending_play is not None:
            wav_path, loop = self.pending_play
            self.pending_play = None
            self.endpoint.play(self.call_id, wav_path, loop=loop)


@dataclass
class PromptHandler:
    """The default handler: answer 200, play `prompt` once, hang up when it has played.

    `known_numbers` (when given) lists the dialled numbers this child serves; any other gets 404.
    """

    prompt: str
    known_numbers: frozenset[str] | None = None

    def __call__(self, event: events.Event, call: CallHandle) -> None:
        if isinstance(event, events.IncomingCall):
            if self.known_numbers is not None and event.dialed_number not in self.known_numbers:
                call.answer(404)
                return
            call.answer(200)
            call.play(self.prompt)
        elif isinstance(event, events.PlayDone):
            call.hangup()


class _Stop:
    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum, frame) -> None:
        self.requested = True


def run_child(
    port: int,
    handler: CallHandler,
    *,
    capacity: int | None = None,
    rtp_port: int = 10000,
    bind_address: str = "",
    public_address: str = "127.0.0.1",
    exit_with_parent: bool = False,
    poll_ms: int = 250,
    log_level: int = 1,
) -> int:
    """Serve calls on `port` until SIGTERM/SIGINT; returns the exit status (0 on a clean stop)."""
    from media_worker.pjsua.endpoint import DEFAULT_CAPACITY, Endpoint

    stop = _Stop()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parent = os.getppid()
    endpoint = Endpoint(
        port,
        bind_address=bind_address,
        public_address=public_address,
        rtp_port=rtp_port,
        capacity=DEFAULT_CAPACITY if capacity is None else capacity,
        log_level=log_level,
    )
    loop = WakingLoop(endpoint.wake)
    # Why more than asyncio's default (cpu + 4 threads): a blocking read of the ACD's messages and of the
    # originate stream each hold a thread, and every caller's SQL statement or speech synthesis needs one.
    loop.set_default_executor(ThreadPoolExecutor(max_workers=16, thread_name_prefix="media-io"))
    asyncio.set_event_loop(loop)
    calls: dict[int, CallHandle] = {}
    counters = {"calls": 0, "answered": 0, "rejected_full": 0, "ended": 0, "handler_errors": 0}
    global _child_port
    _child_port = port
    _status("ready", port=port, pid=os.getpid(), capacity=endpoint.capacity)
    start = getattr(handler, "start", None)
    if callable(start):  # a handler that also places calls (ScriptHandler: callbacks) starts polling for them
        start(endpoint, loop)
    next_parent_check = time.monotonic() + 1.0
    next_reap = time.monotonic() + REAP_SECONDS
    try:
        while not stop.requested:
            endpoint.handle_events(poll_timeout_ms(loop, poll_ms))
            dispatch(endpoint, handler, calls, endpoint.drain(), counters, loop)
            step_loop(loop)
            if time.monotonic() >= next_parent_check:
                next_parent_check = time.monotonic() + 1.0
                if exit_with_parent and os.getppid() != parent:
                    log.warning("parent %s is gone: stopping", parent)
                    break
                if calls and time.monotonic() >= next_reap:
                    next_reap = time.monotonic() + REAP_SECONDS
                    endpoint.reap_lost()
    finally:
        stop_hook = getattr(handler, "stop", None)
        if callable(stop_hook):  # no new outbound requests; dials in progress hang up and report
            stop_hook()
        # Hang up through the loop so the handler still sees each call's Ended, then destroy pjsua2.
        for call in list(calls.values()):
            call.hangup(0 if call.answered else 503)
        deadline = time.monotonic() + 4.0
        while (calls or _pending_tasks(loop)) and time.monotonic() < deadline:
            endpoint.handle_events(poll_timeout_ms(loop, 20))
            dispatch(endpoint, handler, calls, endpoint.drain(), counters, loop)
            step_loop(loop)
        for task in _pending_tasks(loop):
            task.cancel()
        step_loop(loop)
        loop.close()  # worker threads still running (a slow database call) are joined at exit
        endpoint.close()
        _status("stopped", port=port, pid=os.getpid(), **counters)
    return 0


def dispatch(
    endpoint,
    handler: CallHandler,
    calls: dict[int, CallHandle],
    pending: Iterable[events.Event],
    counters: dict[str, int],
    loop: asyncio.AbstractEventLoop | None = None,
) -> None:
    """Hand each event to the handler (after the capacity rule for new calls); forget ended calls."""
    for event in pending:
        if isinstance(event, events.IncomingCall):
            counters["calls"] += 1
            call = calls[event.call_id] = CallHandle(endpoint, event, loop)
            _status(
                "incoming",
                call=event.call_id,
                from_uri=event.from_uri,
                request_uri=event.request_uri,
                sip_call_id=event.sip_call_id,
            )
            # slots a callback being dialled still needs (its customer's leg) are not for new callers
            reserved = getattr(handler, "reserved_slots", 0)
            if not endpoint.has_room() or (reserved and endpoint.active_calls + reserved > endpoint.capacity):
                counters["rejected_full"] += 1
                call.answer(486)
                continue
        else:
            known = calls.get(event.call_id)
            if known is None:
                _to_listener(endpoint, event)
                continue
            call = known
        if isinstance(event, events.MediaReady):
            call.media_ready()
        if isinstance(event, events.Ended):
            call.ended = True
            counters["ended"] += 1
            if call.answered:
                counters["answered"] += 1
            _status(
                "ended",
                call=event.call_id,
                status=event.status_code,
                answered=call.answered,
                rtp_tx_packets=event.rtp_tx_packets,
                rtp_rx_packets=event.rtp_rx_packets,
            )
        try:
            handler(event, call)
        except Exception:
            counters["handler_errors"] += 1
            log.exception("handler failed on %r", event)
            if not call.ended:
                call.hangup(500)
        if isinstance(event, events.Ended):
            calls.pop(event.call_id, None)


def _to_listener(endpoint, event: events.Event) -> None:
    """An event of an outbound call (an agent leg) goes to the listener it was placed with."""
    listeners = getattr(endpoint, "listeners", None)
    if not listeners:
        return
    listener = listeners.get(event.call_id)
    if isinstance(event, events.Ended):
        listeners.pop(event.call_id, None)
    if listener is None:
        return
    try:
        listener(event)
    except Exception:
        log.exception("listener failed on %r", event)


class WakingLoop(asyncio.SelectorEventLoop):
    """The child's asyncio loop. It is stepped between pjsua2 polls, never waits in its own selector, so a
    worker thread finishing (`asyncio.to_thread`: the database, espeak-ng) must also wake the pjsua2 poll."""

    def __init__(self, wake: Callable[[], None]) -> None:
        super().__init__()
        self._wake = wake

    def call_soon_threadsafe(self, callback, *args, context=None):  # type: ignore[override]
        handle = super().call_soon_threadsafe(callback, *args, context=context)
        self._wake()
        return handle


def poll_timeout_ms(loop: asyncio.AbstractEventLoop, cap_ms: int) -> int:
    """How long the next pjsua2 poll may block: 0 while asyncio has callbacks ready, else until its next
    timer, at most `cap_ms`. Why a long cap is safe: SIP traffic ends the poll, and so does every event
    from another thread (`Endpoint.wake`, `WakingLoop`). Why it matters: a child polling every 20 ms
    costs ~1 % of a core doing nothing, which a pool of 100 children cannot afford."""
    # asyncio keeps these on the loop object (CPython's BaseEventLoop); without them, poll briefly.
    ready = getattr(loop, "_ready", None)
    scheduled = getattr(loop, "_scheduled", None)
    if ready is None or scheduled is None:
        return min(cap_ms, 20)
    if ready:
        return 0
    if scheduled:
        delay_ms = (scheduled[0].when() - loop.time()) * 1000.0
        return max(0, min(cap_ms, int(delay_ms) + 1))
    return cap_ms


def step_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Run the asyncio callbacks that are ready now (coroutines advance up to their next await), then return."""
    loop.call_soon(loop.stop)
    loop.run_forever()


def _pending_tasks(loop: asyncio.AbstractEventLoop) -> list[asyncio.Task]:
    return [task for task in asyncio.all_tasks(loop) if not task.done()]


_child_port = 0  # this child's SIP port: every status line names it (the pool's children share one log)


def _status(kind: str, **fields) -> None:
    """One JSON line per lifecycle event on the child's log (tests and operators read these)."""
    fields.setdefault("port", _child_port)
    log.info("%s %s", kind, json.dumps(fields, sort_keys=True))
