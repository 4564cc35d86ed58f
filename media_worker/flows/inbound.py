"""`ScriptHandler`: the media child's default call handler — each call runs what its IRN decided.

On a new INVITE: the INVITE's facts become a `routing.inbound.Invite` and `route_inbound` decides. A rejection
is answered with its SIP status (404 for a number with no IRN); anything else is answered 200 and the call's
life is `routing.lifecycle`'s (`start`, then `finish` when the caller's leg ends), over a `PjCallControl` and
this child's `CallOwner`. This module only translates: pjsua2 events go to the call's control, the owner's
messages (read while the child holds calls) to the lifecycle and the legs:

- `reserved`: ring the agent on a leg of its own (`agent_leg`: headers, bridge, reports);
- `transfer`: the REST API's blind transfer of a bridged call (`transfer.transfer_bridged`);
- `position` / `moved`: the waiting caller's treatment (`queue_treatment`);
- `overflowed` / `no_agent`: the service's destination (`lifecycle.divert`).

Any error: `lifecycle.fail` (the script's apology prompt when there is one, a hang-up, the record closed as
failed) — never a silent drop. One `CallOwner` per child, named `process.child.owner_id(port)`
(`<hostname>:<port>`): the supervisor uses the same name to close the calls of a child that died.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from acd.services.call_owner import CallOwner
from calls.profile import language_of
from core.orm import run_orm
from media_worker.flows.agent_leg import ring_agent
from media_worker.flows.media_call import MediaCall
from media_worker.flows.originator import Originator
from media_worker.flows.queue_treatment import QueueTreatment
from media_worker.flows.transfer import script_transfer, transfer_bridged
from media_worker.pjsua import events
from media_worker.pjsua.call_control import PjCallControl
from routing import lifecycle
from routing.inbound import Invite, route_inbound

log = logging.getLogger("media_worker.flows.inbound")

POLL_BLOCK_MS = 1000
DIVERT_WAIT_S = 10.0  # the longest a diverted call waits for its IVR application's step under way


class ScriptHandler:
    """CallHandler running each call's IRN destination (see the module's docstring)."""

    def __init__(self, owner: str) -> None:
        self.owner_id = owner
        self._owner: CallOwner | None = None
        self._owner_lock: asyncio.Lock | None = None
        self.tasks: set[asyncio.Task] = set()
        self.calls: dict[int, MediaCall] = {}  # by the caller leg's pjsua2 call id
        self.active: dict[str, MediaCall] = {}  # answered calls, by ACD call id
        self.ringing: dict[str, asyncio.Task] = {}
        self._poller: asyncio.Task | None = None
        # queued calls: what each hears while it waits, and the last position the ACD told us (it may come
        # before the treatment starts)
        self.treatments: dict[str, QueueTreatment] = {}
        self.positions: dict[str, tuple[int, float | None]] = {}
        self.originator: Originator | None = None  # from start()

    # the child's hooks: outbound requests (callbacks) are dialled by this child too ------------------

    def start(self, endpoint, loop: asyncio.AbstractEventLoop) -> None:
        """The endpoint is up: take the ACD's dial requests when there is room (`originator`)."""
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
            mc = self.calls[call.call_id] = MediaCall(call)
            mc.task = (call.loop or asyncio.get_event_loop()).create_task(self._run(mc))
            self.tasks.add(mc.task)
            mc.task.add_done_callback(self.tasks.discard)
            return
        known = self.calls.get(call.call_id)
        if known is None:
            return
        if known.control is not None:
            known.control.on_event(event)
        elif isinstance(event, events.Ended):
            known.ended = event

    async def owner(self) -> CallOwner:
        if self._owner is None:
            if self._owner_lock is None:
                self._owner_lock = asyncio.Lock()
            async with self._owner_lock:
                if self._owner is None:
                    self._owner = await run_orm(CallOwner, self.owner_id)
        return self._owner

    async def _run(self, mc: MediaCall) -> None:
        try:
            await self._handle(mc)
        finally:
            self.calls.pop(mc.handle.call_id, None)

    async def _handle(self, mc: MediaCall) -> None:
        call = mc.handle
        incoming: events.IncomingCall = call.incoming
        invite = Invite(
            request_uri=incoming.request_uri or incoming.to_uri,
            from_uri=incoming.from_uri,
            display_name=incoming.display_name,
            sip_call_id=incoming.sip_call_id,
            source=incoming.source_address,
        )
        try:
            decision = await run_orm(route_inbound, invite, call_id=uuid.uuid4().hex)
            owner = await self.owner()
        except Exception:
            log.exception("call %s: no routing decision", incoming.sip_call_id)
            call.answer(500)
            return
        if call.ended or mc.ended is not None:  # the caller gave up while we looked it up
            await lifecycle.abandoned_before_answer(decision, owner)
            return
        if decision.kind == "reject":
            call.answer(decision.sip_status or 404)
            try:
                await lifecycle.start(lifecycle.Contact(decision, owner, None))
            except Exception:
                log.exception("call %s: rejected call not recorded", decision.call_id)
            return

        call.answer(200)
        control = mc.control = PjCallControl(call, transfer=lambda text: script_transfer(mc, text))
        contact = mc.contact = lifecycle.Contact(decision, owner, control)
        mc.track = lambda task: self._track(decision.call_id, task)
        if call.ended:
            control.on_event(events.Ended(call.call_id, 0, "ended before answer"))
        started = mc.started = asyncio.get_running_loop().create_future()
        self.active[decision.call_id] = mc
        self._start_poller(owner)
        try:
            await lifecycle.start(contact)
            started.set_result(contact.outcome)
            if contact.outcome == "queued":
                self._treat(mc, contact.profile.get("Service") or decision.target)
            # read before our own hang-up below: did the caller leave while the script still ran?
            left = control.caller_hung_up
            if contact.outcome not in lifecycle.HANDED_ON:  # transferred: bridged to the target, which ends it
                await control.hangup()
            ended = await control.ended_future
            await lifecycle.finish(contact, sip_status=getattr(ended, "status_code", None) or None, caller_hung_up=left)
        except asyncio.CancelledError:
            await lifecycle.fail(contact, "media child stopped", apology=False)
            raise
        except Exception as exc:
            log.exception("call %s failed", decision.call_id)
            await lifecycle.fail(contact, f"error: {exc}"[:255], apology=True)
        finally:
            self.active.pop(decision.call_id, None)
            self.positions.pop(decision.call_id, None)
            if not started.done():
                started.set_result("")
            ring = self.ringing.get(decision.call_id)
            if ring is not None and not ring.done():
                await asyncio.wait({ring}, timeout=6.0)  # the agent leg is hung up too

    # the ACD's messages about our calls -------------------------------------------------------------

    def _start_poller(self, owner: CallOwner) -> None:
        if self._poller is None or self._poller.done():
            self._poller = asyncio.get_running_loop().create_task(self._poll(owner))

    async def _poll(self, owner: CallOwner) -> None:
        """Poll the owner's messages while this child holds calls (so an idle child stops at once): a blocking
        read of up to `POLL_BLOCK_MS` in a worker thread, so a message arrives at once and a quiet child costs
        no wake-ups."""
        while self.active:
            try:
                messages = await run_orm(owner.poll, block_ms=POLL_BLOCK_MS)
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

    def _reserved(self, owner: CallOwner, message) -> None:
        mc = self.active.get(message.call_id)
        if mc is None:
            log.info("call %s: agent %s reserved for a call no longer here", message.call_id, message.message)
            return
        previous = self.ringing.get(message.call_id)
        profile = owner.profiles.get(message.call_id) or {}

        async def ring() -> str:
            if previous is not None and not previous.done():  # the last agent's no-answer is still being told
                await asyncio.wait({previous})
            return await ring_agent(mc, message.call_id, dict(message.message), profile, started=mc.started)

        self._track(message.call_id, asyncio.get_running_loop().create_task(ring()))

    def _transfer(self, message) -> None:
        """A blind transfer the REST API asked for (`transfer.transfer_bridged`), after the agent leg's task."""
        mc = self.active.get(message.call_id)
        if mc is None:
            log.info("call %s: transfer asked for a call no longer here", message.call_id)
            return
        task = transfer_bridged(mc, dict(message.message), previous=self.ringing.get(message.call_id))
        self._track(message.call_id, asyncio.get_running_loop().create_task(task))

    def _treat(self, mc: MediaCall, service: str) -> None:
        """The queued caller hears the service's welcome, IVR application, music and announcements until
        bridged or gone."""
        control, contact = mc.control, mc.contact
        assert control is not None and contact is not None
        call_id = contact.call_id

        def stop_when(callback) -> None:  # the agent answered, or the call left the queue
            control.on_bridged(callback)
            treatment.on_stop(callback)

        async def run_ivr(name: str, graph) -> str:
            return await lifecycle.run_ivr(contact, graph, name=name, stop_when=stop_when)

        treatment = QueueTreatment(control, service, language=language_of(contact.profile), run_ivr=run_ivr)
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
        mc = self.active.get(message.call_id)
        if mc is None or mc.control is None or mc.started is None:
            return
        self.positions[message.call_id] = (position, expected)
        if treatment is not None:
            treatment.position(position, expected)
            return
        if mc.started.done() and position > 0 and not (mc.control.bridged or mc.control.ended):
            # waiting again after its first destination: a transfer that found nobody, an overflow
            self._treat(mc, fields.get("service", ""))

    def _diverted(self, message) -> None:
        """The ACD handed a waiting call back for its service's overflow / no-agent destination."""
        mc = self.active.get(message.call_id)
        if mc is None or mc.contact is None or mc.control is None or mc.started is None:
            log.info("call %s: %s for a call no longer here", message.call_id, message.type)
            return
        contact, control, started = mc.contact, mc.control, mc.started
        treatment = self.treatments.pop(message.call_id, None)
        if treatment is not None:
            treatment.stop()
        fields = dict(message.message)

        async def divert() -> None:
            if not started.done():  # the call's first script still runs: the destination comes after it
                await started
            if treatment is not None:  # its IVR application stops at its next step: wait for that
                try:
                    await asyncio.wait_for(treatment.finished.wait(), DIVERT_WAIT_S)
                except TimeoutError:
                    log.warning("call %s: the IVR application is still in a step; diverting anyway", message.call_id)
            kind, target = fields.get("kind", ""), fields.get("target", "")
            outcome = await lifecycle.divert(contact, kind, target, why=message.type)
            if outcome not in lifecycle.HANDED_ON and not control.ended:
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
