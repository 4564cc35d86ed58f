"""`ScriptHandler`: the media child's default call handler — each call runs what its IRN decided.

On a new INVITE: the INVITE's facts become an `routing.inbound.Invite`, `route_inbound` decides (in a
worker thread: it is synchronous ORM). A rejection is answered with its SIP status (404 for a number with
no IRN) and recorded by `start_call`; anything else is answered 200 and `start_call` runs the script with a
`PjCallControl` over the call and this child's `CallOwner`. When the caller's leg ends (the caller hung up,
or the script did), `finish_call` closes the call record with the final profile and the trace.

A call whose script ended "queued" stays on music on hold until the caller hangs up or an agent takes it:
while the child holds calls it reads its `CallOwner`'s messages (a blocking read of up to `POLL_BLOCK_MS` in a
worker thread: a message arrives at once, and a quiet child costs no wake-ups), and for each
`reserved` one rings the agent on a leg of its own (`media_worker.agent_leg`: headers, bridge, reports); a
`transfer` one (the REST API's blind transfer of a bridged call) runs `media_worker.transfer_call`.
Any error: the caller hears the script's apology prompt (when there is one) and is hung
up; the record is closed as failed — never a silent drop.

One `CallOwner` per child, named `owner_id(port)` (`<hostname>:<port>`): the supervisor uses the same name
to close the calls of a child that died.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from typing import TYPE_CHECKING

from media_worker import events

if TYPE_CHECKING:
    from media_worker.originator import Originator
    from media_worker.queue_treatment import QueueTreatment

log = logging.getLogger("media_worker.script_handler")

APOLOGY_SECONDS = 15.0
POLL_BLOCK_MS = 1000
DIVERT_WAIT_S = 10.0  # the longest a diverted call waits for its IVR application's step under way
MAX_REROUTES = 8


def owner_id(port: int) -> str:
    """The CallOwner id (and CallRecord.owner) of the media child on SIP `port` of this host."""
    return f"{socket.gethostname()}:{port}"


class ScriptHandler:
    """CallHandler running each call's IRN destination (see the module's docstring)."""

    def __init__(self, owner: str) -> None:
        self.owner_id = owner
        self._owner = None
        self._owner_lock: asyncio.Lock | None = None
        self.tasks: set[asyncio.Task] = set()
        # the ACD call ids of the calls this child holds -> (CallHandle, PjCallControl, script returned)
        self.active: dict[str, tuple] = {}
        self.ringing: dict[str, asyncio.Task] = {}
        self._poller: asyncio.Task | None = None
        # queued calls: what each hears while it waits (media_worker.queue_treatment), and the last
        # position the ACD told us (it may come before the treatment starts)
        self.treatments: dict[str, QueueTreatment] = {}
        self.positions: dict[str, tuple[int, float | None]] = {}
        self.originator: Originator | None = None  # from start()

    # the child's hooks: outbound requests (callbacks) are dialled by this child too ------------------

    def start(self, endpoint, loop: asyncio.AbstractEventLoop) -> None:
        """The endpoint is up: take the ACD's dial requests when there is room (media_worker.originator)."""
        from media_worker.originator import Originator

        originator = self.originator = Originator(self.owner_id, endpoint)
        originator.start(loop)

    def stop(self) -> None:
        """The child is stopping: no new requests; dials in progress hang up and report."""
        if self.originator is not None:
            self.originator.stop()

    @property
    def reserved_slots(self) -> int:
        """Slots a dial in progress still needs: the child's capacity rule keeps them from new callers."""
        return self.originator.reserved_slots if self.originator is not None else 0

    def __call__(self, event: events.Event, call) -> None:
        if isinstance(event, events.IncomingCall):
            call.data["control"] = None
            task = (call.loop or asyncio.get_event_loop()).create_task(self._run(call))
            call.data["task"] = task
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            return
        control = call.data.get("control")
        if control is not None:
            control.on_event(event)
        elif isinstance(event, events.Ended):
            call.data["ended"] = event

    async def owner(self):
        if self._owner is None:
            if self._owner_lock is None:
                self._owner_lock = asyncio.Lock()
            async with self._owner_lock:
                if self._owner is None:
                    from acd.services.call_owner import CallOwner

                    self._owner = await asyncio.to_thread(CallOwner, self.owner_id)
        return self._owner

    async def _run(self, call) -> None:
        from media_worker.call_control import PjCallControl
        from routing.inbound import Invite

        incoming: events.IncomingCall = call.incoming
        invite = Invite(
            request_uri=incoming.request_uri or incoming.to_uri,
            from_uri=incoming.from_uri,
            display_name=incoming.display_name,
            sip_call_id=incoming.sip_call_id,
            source=incoming.source_address,
        )
        try:
            decision = await asyncio.to_thread(_route, invite, uuid.uuid4().hex)
            owner = await self.owner()
        except Exception:
            log.exception("call %s: no routing decision", incoming.sip_call_id)
            call.answer(500)
            return
        if call.ended or call.data.get("ended"):  # the caller gave up while we looked it up
            await _gone_before_answer(decision, owner)
            return
        from scripts_app.runtime.live_call import LiveCall, finish_call, start_call

        if decision.kind == "reject":
            call.answer(decision.sip_status or 404)
            try:
                await start_call(decision, None, owner)  # type: ignore[arg-type]  # a rejected call has no media
            except Exception:
                log.exception("call %s: rejected call not recorded", decision.call_id)
            return

        call.answer(200)
        control = PjCallControl(call)
        call.data["control"] = control
        # what a transfer needs of the call (media_worker.transfer_call)
        call.data.update(call_id=decision.call_id, owner=owner, profile=decision.profile, decision=decision)
        call.data["track"] = lambda task, call_id=decision.call_id: self._track(call_id, task)
        if decision.kind == "device":
            call.data["transfer_by"] = "irn"
        if call.ended:
            control.on_event(events.Ended(call.call_id, 0, "ended before answer"))
        live: LiveCall | None = None
        started = asyncio.get_running_loop().create_future()
        self.active[decision.call_id] = (call, control, started)
        self._start_poller(owner)
        try:
            live = await start_call(decision, control, owner)
            call.data["live"] = live
            await _reroutes(call, control, live)
            started.set_result(live.outcome)
            if live.outcome == "queued":
                self._treat(call, control, live.profile.get("Service") or decision.target)
            # read before our own hang-up below: did the caller leave while the script still ran?
            left = control.caller_hung_up
            if live.outcome not in ("queued", "transferred"):  # transferred: bridged to the target, which ends it
                await control.hangup()
            ended = await control.ended_future
            await finish_call(live, owner, sip_status=getattr(ended, "status_code", None) or None, caller_hung_up=left)
        except asyncio.CancelledError:
            await _failed(decision, control, owner, live, "media child stopped", apology=False)
            raise
        except Exception as exc:
            log.exception("call %s failed", decision.call_id)
            await _failed(decision, control, owner, live, f"error: {exc}"[:255], apology=True)
        finally:
            self.active.pop(decision.call_id, None)
            self.positions.pop(decision.call_id, None)
            if not started.done():
                started.set_result("")
            ring = self.ringing.get(decision.call_id)
            if ring is not None and not ring.done():
                await asyncio.wait({ring}, timeout=6.0)  # the agent leg is hung up too

    # the ACD's messages: agents reserved for our calls -------------------------------------------

    def _start_poller(self, owner) -> None:
        if self._poller is None or self._poller.done():
            self._poller = asyncio.get_running_loop().create_task(self._poll(owner))

    async def _poll(self, owner) -> None:
        """Poll the owner's messages while this child holds calls (so an idle child stops at once)."""
        while self.active:
            try:
                messages = await asyncio.to_thread(_poll_owner, owner, POLL_BLOCK_MS)
            except Exception:
                log.exception("owner messages not read")
                await asyncio.sleep(1.0)
                continue
            for message in messages:
                if message.type == "reserved":
                    self._reserved(owner, message)
                elif message.type == "transfer":
                    self._transfer(message)
                elif message.type in ("position", "moved"):
                    self._queue_message(message)
                elif message.type in ("overflowed", "no_agent"):
                    self._diverted(message)

    def _reserved(self, owner, message) -> None:
        from media_worker.agent_leg import ring_agent

        entry = self.active.get(message.call_id)
        if entry is None:
            log.info("call %s: agent %s reserved for a call no longer here", message.call_id, message.message)
            return
        previous = self.ringing.get(message.call_id)
        call, control, started = entry
        profile = owner.profiles.get(message.call_id)
        if profile is None:
            profile = {}

        async def ring() -> str:
            if previous is not None and not previous.done():  # the last agent's no-answer is still being told
                await asyncio.wait({previous})
            return await ring_agent(
                call, control, owner, message.call_id, dict(message.message), profile, started=started
            )

        self._track(message.call_id, asyncio.get_running_loop().create_task(ring()))

    def _transfer(self, message) -> None:
        """A blind transfer the REST API asked for (media_worker.transfer_call), after the agent leg's task."""
        from media_worker.transfer_call import transfer_bridged

        entry = self.active.get(message.call_id)
        if entry is None:
            log.info("call %s: transfer asked for a call no longer here", message.call_id)
            return
        call, control, _started = entry
        previous = self.ringing.get(message.call_id)
        task = transfer_bridged(call, control, dict(message.message), previous=previous)
        self._track(message.call_id, asyncio.get_running_loop().create_task(task))

    def _treat(self, call, control, service: str) -> None:
        """The queued caller hears the service's welcome, IVR application, music and announcements until
        bridged or gone."""
        from media_worker.queue_treatment import QueueTreatment

        call_id: str = call.data.get("call_id", "")
        profile = call.data.get("profile") or {}

        def stop_when(callback) -> None:  # the agent answered, or the call left the queue
            control.on_bridged(callback)
            treatment.on_stop(callback)

        async def run_ivr(name: str, graph) -> str:
            from scripts_app.runtime.live_call import run_further_script

            live, owner = call.data.get("live"), call.data.get("owner")
            if live is None or owner is None:
                return "completed"
            fallback = getattr(live.decision, "fallback_service", None)
            return await run_further_script(
                live,
                graph,
                control,
                owner,
                name=name,
                fallback_service=fallback,
                stop_when=stop_when,
                hand_back=True,
            )

        treatment = QueueTreatment(control, service, language=_language(profile), run_ivr=run_ivr)
        if call_id in self.positions:
            treatment.position(*self.positions[call_id])
        self.treatments[call_id] = treatment
        task = asyncio.get_running_loop().create_task(treatment.run())
        self.tasks.add(task)

        def done(task: asyncio.Task) -> None:
            self.tasks.discard(task)
            if self.treatments.get(call_id) is treatment:
                self.treatments.pop(call_id, None)
            if not task.cancelled() and task.exception() is not None:
                log.error("call %s: queue treatment failed", call_id, exc_info=task.exception())

        task.add_done_callback(done)

    def _queue_message(self, message) -> None:
        """`position` (position, expected_ms) and `moved` (service) messages of a waiting call."""
        fields = message.message
        treatment = self.treatments.get(message.call_id)
        if message.type == "moved":
            if treatment is not None:
                treatment.moved(fields.get("service", ""))
            return
        try:
            position = int(fields.get("position") or 0)
            expected = float(fields["expected_ms"]) / 1000 if fields.get("expected_ms") else None
        except ValueError:
            log.warning("call %s: bad position message %r", message.call_id, fields)
            return
        entry = self.active.get(message.call_id)
        if entry is None:
            return
        self.positions[message.call_id] = (position, expected)
        if treatment is not None:
            treatment.position(position, expected)
            return
        call, control, started = entry
        if started.done() and position > 0 and not (control.bridged or control.ended):
            # waiting again after its first destination: a transfer that found nobody, an overflow
            self._treat(call, control, fields.get("service", ""))

    def _diverted(self, message) -> None:
        """The ACD handed a waiting call back for its service's overflow / no-agent destination
        (`media_worker.diversion`)."""
        entry = self.active.get(message.call_id)
        if entry is None:
            log.info("call %s: %s for a call no longer here", message.call_id, message.type)
            return
        call, control, started = entry
        treatment = self.treatments.pop(message.call_id, None)
        if treatment is not None:
            treatment.stop()
        fields = dict(message.message)

        async def divert() -> None:
            from media_worker.diversion import route_diverted

            if not started.done():  # the call's first script still runs: the destination comes after it
                await started
            if treatment is not None:  # its IVR application stops at its next step: wait for that
                try:
                    await asyncio.wait_for(treatment.finished.wait(), DIVERT_WAIT_S)
                except TimeoutError:
                    log.warning("call %s: the IVR application is still in a step; diverting anyway", message.call_id)
            kind, target = fields.get("kind", ""), fields.get("target", "")
            outcome = await route_diverted(call, control, kind, target, why=message.type)
            live = call.data.get("live")
            if live is not None:
                await _reroutes(call, control, live)
                outcome = live.outcome
            if outcome not in ("queued", "transferred") and not control.ended:
                await control.hangup()

        self._track(message.call_id, asyncio.get_running_loop().create_task(divert()))

    def _track(self, call_id: str, task: asyncio.Task) -> None:
        """The call's current leg task (agent ring, transfer): the next one waits for it, the call's end too."""
        self.ringing[call_id] = task
        self.tasks.add(task)

        def done(task: asyncio.Task) -> None:
            self.tasks.discard(task)
            if self.ringing.get(call_id) is task:
                self.ringing.pop(call_id, None)
            if not task.cancelled() and task.exception() is not None:
                log.error("call %s: leg task failed", call_id, exc_info=task.exception())

        task.add_done_callback(done)


async def _reroutes(call, control, live) -> None:
    """After the script: the transfer entries it made go to the record's trace, and a Transfer to an IRN
    runs that IRN's destination now (which may transfer again)."""
    from media_worker.transfer_call import pending_trace, reroute

    pending_trace(call, live)
    hops = 0
    while live.outcome == "transferred" and not control.ended:
        irn = call.data.pop("reroute", None)
        if irn is None:
            return
        hops += 1
        if hops > MAX_REROUTES:  # IRN scripts transferring to each other: never an endless loop
            log.warning("call %s: more than %d re-routes, hung up", call.data.get("call_id"), MAX_REROUTES)
            live.outcome = "hung_up"
            return
        if await reroute(call, control, irn) is None:
            live.outcome = "hung_up"  # the IRN could not take the call after all: the caller is hung up
        pending_trace(call, live)


async def _gone_before_answer(decision, owner) -> None:
    """A caller who hung up while the call was being routed still counts: an abandoned call, on record."""
    from calls.services import call_records

    def record() -> None:
        from django.db import close_old_connections

        try:
            call_records.call_started(
                call_id=decision.call_id, profile=decision.profile, owner=owner.id, irn=decision.irn
            )
            call_records.call_finished(
                call_id=decision.call_id,
                outcome="abandoned",
                profile=decision.profile,
                reason="caller hung up before the answer",
            )
        finally:
            close_old_connections()

    try:
        await asyncio.to_thread(record)
    except Exception:
        log.exception("call %s: early hang-up not recorded", decision.call_id)


def _poll_owner(owner, block_ms: int):
    from django.db import close_old_connections

    try:
        return owner.poll(block_ms=block_ms)
    finally:
        close_old_connections()


def _route(invite, call_id: str):
    from django.db import close_old_connections

    from routing.inbound import route_inbound

    try:
        return route_inbound(invite, call_id=call_id)
    finally:
        close_old_connections()


async def _failed(decision, control, owner, live, reason: str, *, apology: bool) -> None:
    """The caller hears the apology (if any) and is hung up; the record is closed as failed."""
    from calls.services import call_records

    try:
        prompt = getattr(decision.graph, "apology_prompt", None) if decision.graph is not None else None
        if apology and prompt and not control.ended:
            language = _language(live.profile if live else decision.profile)
            await asyncio.wait_for(control.play([prompt], language=language), APOLOGY_SECONDS)
    except Exception:
        log.exception("call %s: apology failed", decision.call_id)
    try:
        await control.hangup()
    except Exception:
        log.exception("call %s: hangup failed", decision.call_id)
    profile = live.profile if live else decision.profile
    trace = [step.as_dict() for step in live.context.trace] if live and live.context else None
    try:
        await asyncio.to_thread(owner.hangup, decision.call_id)
    except Exception:
        log.exception("call %s: could not leave the ACD", decision.call_id)
    try:
        await asyncio.to_thread(
            call_records.call_finished,
            call_id=decision.call_id,
            outcome="failed",
            profile=profile,
            trace=trace,
            reason=reason,
        )
    except Exception:
        log.exception("call %s: record not closed", decision.call_id)


def _language(profile) -> int:
    try:
        return int(str(profile.get("Language", "0")).strip() or 0)
    except ValueError:
        return 0
