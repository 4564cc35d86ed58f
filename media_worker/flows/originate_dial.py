"""One callback attempt on a media child: ring the agent, dial the customer, bridge, report (see
`media_worker.flows.originate` for the whole story; this is its async flow).

Runs on the child's loop thread: the `Dialer` (the pjsua2 endpoint) is called directly, the `OriginatePort`
(ACD, records) through worker threads. Leg events arrive through `Leg`, the listener each outbound call is
placed with.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from media_worker.flows.agent_phone import agent_dial_uri
from media_worker.flows.originate import (
    BUSY,
    Dialer,
    DialRequest,
    OriginatePort,
    OriginateSettings,
    Outcome,
    customer_result,
)
from media_worker.flows.stcc_headers import agent_headers
from media_worker.pjsua import events
from media_worker.pjsua.legs import Leg, wait_quietly
from routing.destinations import DestinationError, destination_uri

log = logging.getLogger("media_worker.flows.originate")

HOLD_MARGIN_MS = 10000  # the reservation outlives a ring by this much: reports take a moment
BRIDGE_WAIT_S = 3.0
HANGUP_WAIT_S = 5.0


class CallbackDial:
    """One callback attempt, from the agent's phone ringing to the end of the conversation (`run`)."""

    def __init__(self, request: DialRequest, dialer: Dialer, port: OriginatePort, settings: OriginateSettings) -> None:
        self.request = request
        self.dialer = dialer
        self.port = port
        self.settings = settings
        self.legs_placed = 0  # the child counts the slots a dial still needs: SLOTS_PER_CALLBACK - this
        self.legs: list[Leg] = []
        self.reported = False  # the ACD knows the result (and the request is acknowledged)
        self.answered = False
        self.bridged = False  # the legs' audio is connected (at the customer's early media, or at answer)
        self.recorded = False  # a CallRecord was opened (closing it is then ours)
        self.profile: dict[str, str] = {}

    async def run(self) -> Outcome:
        """Dial, report, record; returns the outcome. Never raises but for cancellation (then legs are hung up)."""
        try:
            return await self._run()
        except asyncio.CancelledError:
            await self._abort("media child stopped")
            raise
        except Exception as exc:
            log.exception("callback %s: dial failed", self.request.call_id)
            return await self._abort(f"error: {exc}"[:200])

    async def _abort(self, reason: str) -> Outcome:
        """Hang up what is up; the ACD hears `failed` (or, for a connected callback, that it ended)."""
        self._hang_up_all()
        if not self.recorded:
            return Outcome("stale", reason=reason)
        if self.answered:
            await _call(self.port.ended, self.request)
            return await self._close(Outcome("answered", 200, reason=reason), report=False)
        return await self._close(Outcome("failed", reason=reason), report=True)

    async def _run(self) -> Outcome:
        request = self.request
        if not await _call(self.port.hold, request, request.ring_ms + HOLD_MARGIN_MS):
            # reconcile freed it (no child had room in time) or it was handled: never dial twice
            await _call(self.port.ack, request)
            return Outcome("stale", reason="the reservation is gone")
        self.profile = dict(await _call(self.port.profile, request) or {})
        self.profile.update(
            {"Agent Number": request.agent, "Agent Extension": request.extension, "Group": request.group}
        )
        if request.service:
            self.profile["Service"] = request.service
        if not await _call(self.port.record_started, request, self.profile):
            await _call(self.port.ack, request)
            return Outcome("stale", reason="attempt already recorded")
        self.recorded = True
        try:
            customer_uri = destination_uri(request.destination, self.settings.gateway)
        except DestinationError as exc:
            log.warning("callback %s: %s", request.call_id, exc)
            return await self._close(Outcome(exc.result, reason=str(exc)), report=True)

        agent = await self._ring_agent()
        if agent is None:
            return await self._close(Outcome("agent_no_answer", reason=self._agent_reason), report=True)
        customer = await self._ring_customer(customer_uri, agent)
        if not customer.confirmed.done():
            self.dialer.hangup(agent.call_id)
            return await self._close(self._customer_outcome, report=True)
        self.answered = True
        await self._report(Outcome("answered", 200))
        await self._bridge(agent, customer)
        await asyncio.wait({agent.ended, customer.ended}, return_when=asyncio.FIRST_COMPLETED)
        self._hang_up_all()
        await wait_quietly(asyncio.gather(agent.ended, customer.ended), HANGUP_WAIT_S)
        await _call(self.port.ended, request)
        return await self._close(Outcome("answered", 200), report=False)

    # the agent's leg ---------------------------------------------------------------------------

    _agent_reason = ""

    async def _ring_agent(self) -> Leg | None:
        """Ring the agent; the answered leg, or None (the agent's no-answer path, reason in _agent_reason)."""
        request = self.request
        if not request.extension:
            self._agent_reason = "agent has no extension"
            return None
        try:
            headers = agent_headers(self.profile, await _call(self.port.exported_fields) or [])
        except Exception:
            log.exception("callback %s: exported fields not read", request.call_id)
            headers = {}
        leg = self._place(agent_dial_uri(request.extension), headers)  # a registered phone: through the front
        if leg is None:
            self._agent_reason = "agent not dialled"
            return None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.ring_ms / 1000
        rang = False
        while not leg.confirmed.done():
            if leg.ended.done():
                status = leg.status
                self._agent_reason = f"agent {'busy' if status in BUSY else 'failed'} (SIP {status})"
                return None
            if leg.ringing.done() and not rang:
                rang = True
                await _call(self.port.ringing, request)
                continue
            remaining = deadline - loop.time()
            if remaining <= 0:
                self.dialer.hangup(leg.call_id)  # CANCEL
                await wait_quietly(leg.ended, HANGUP_WAIT_S)
                self._agent_reason = "agent no answer"
                return None
            waits = {leg.confirmed, leg.ended} | (set() if rang else {leg.ringing})
            await asyncio.wait(waits, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
        return leg

    # the customer's leg ------------------------------------------------------------------------

    _customer_outcome = Outcome("failed")

    async def _ring_customer(self, uri: str, agent: Leg) -> Leg:
        """Dial the customer while the agent waits on the line; the leg (confirmed or ended)."""
        request = self.request
        ring_s = self.settings.customer_ring_s
        if not await _call(self.port.hold, request, int(ring_s * 1000) + HOLD_MARGIN_MS):
            self._customer_outcome = Outcome("lost", reason="the reservation is gone")
            return self._dead_leg()
        leg = self._place(uri, {})
        if leg is None:
            self._customer_outcome = Outcome("failed", reason=f"customer {uri} not dialled")
            return self._dead_leg()
        log.info(
            "callback %s: agent %s answered, dialling %s (leg %s)", request.call_id, request.agent, uri, leg.call_id
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ring_s
        early_tried = False
        while not (leg.confirmed.done() or leg.ended.done()):
            if agent.ended.done():  # the agent gave up waiting: not the customer's doing
                self.dialer.hangup(leg.call_id)
                await wait_quietly(leg.ended, HANGUP_WAIT_S)
                self._customer_outcome = Outcome("failed", leg.status, "agent hung up while the customer rang")
                return leg
            remaining = deadline - loop.time()
            if remaining <= 0:
                self.dialer.hangup(leg.call_id)  # CANCEL after the ring time
                await wait_quietly(leg.ended, HANGUP_WAIT_S)
                self._customer_outcome = Outcome("no_answer", leg.status or 487, "the ring time is over")
                return leg
            if leg.media.done() and not early_tried:
                # early media (183 with SDP): the agent hears the network's ringback or announcement at once
                early_tried = True
                self.bridged = self.dialer.bridge(agent.call_id, leg.call_id)
                continue
            waits = {leg.confirmed, leg.ended, agent.ended} | (set() if early_tried else {leg.media})
            await asyncio.wait(waits, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
        if not leg.confirmed.done():
            status = leg.status
            reason = getattr(leg.ended.result(), "reason", "") if leg.ended.done() else ""
            result = customer_result(status)
            if result == "answered":  # a 2xx that never confirmed: nobody is on the line
                result = "failed"
            self._customer_outcome = Outcome(result, status, f"SIP {status} {reason}".strip())
        return leg

    def _dead_leg(self) -> Leg:
        leg = Leg(asyncio.get_running_loop())
        leg.ended.set_result(events.Ended(0, 0, "not placed"))
        return leg

    # plumbing ----------------------------------------------------------------------------------

    def _place(self, uri: str, headers: dict[str, str]) -> Leg | None:
        leg = Leg(asyncio.get_running_loop())
        try:
            leg.call_id = self.dialer.make_call(uri, headers, leg)
        except Exception as exc:
            log.warning("callback %s: %s not dialled: %s", self.request.call_id, uri, exc)
            return None
        self.legs_placed += 1
        self.legs.append(leg)
        return leg

    async def _bridge(self, agent: Leg, customer: Leg) -> None:
        if self.bridged or self.dialer.bridge(agent.call_id, customer.call_id):
            return
        both = asyncio.gather(agent.media, customer.media)
        await asyncio.wait(
            {both, agent.ended, customer.ended}, timeout=BRIDGE_WAIT_S, return_when=asyncio.FIRST_COMPLETED
        )
        if not both.done():
            both.cancel()
        if not self.dialer.bridge(agent.call_id, customer.call_id):
            log.warning("callback %s: legs not bridged (no audio on one of them)", self.request.call_id)

    def _hang_up_all(self) -> None:
        for leg in self.legs:
            if not leg.ended.done():
                self.dialer.hangup(leg.call_id)

    async def _report(self, outcome: Outcome) -> None:
        """Tell the ACD once (answered, failed, or the agent's no answer), then acknowledge the request."""
        if self.reported:
            return
        self.reported = True
        request = self.request
        if outcome.result == "answered":
            await _call(self.port.answered, request)
        elif outcome.result == "agent_no_answer":
            await _call(self.port.agent_no_answer, request)
        elif outcome.result != "lost":  # "lost": reconcile already freed the agent and used the attempt
            await _call(self.port.failed, request, outcome.result)
        await _call(self.port.ack, request)

    async def _close(self, outcome: Outcome, *, report: bool) -> Outcome:
        if report:
            await self._report(outcome)
        log.info(
            "callback %s attempt %s: %s %s", self.request.call_id, self.request.attempt, outcome.result, outcome.reason
        )
        await _call(self.port.record_finished, self.request, outcome, self.profile)
        return outcome


async def _call(func: Callable[..., Any], *args: Any) -> Any:
    """A blocking port call in a worker thread; errors are logged and give None (a dial never dies of them)."""
    try:
        return await asyncio.to_thread(func, *args)
    except Exception:
        log.exception("originate: %s failed", getattr(func, "__name__", func))
        return None
