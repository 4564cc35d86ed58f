"""A live inbound call from its decision to the end of its script (the live twin of simulate.py).

The media worker supplies the caller's media leg (a CallControl over pjsua2) and its CallOwner;
this runs what the IRN decided — the script with the real SQL gateway and the live ACD, a queue,
a transfer or a hang-up — and keeps the call record. The record is closed by `finish_call` when
the caller's leg ends, whatever happened before (queued calls end later than their script).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from acd.models import CallProfileField
from acd.services import call_records
from acd.services.call_owner import CallOwner, LiveAcdPort
from acd.services.inbound import Decision
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Graph
from scripts_app.engine.interpreter import run_script
from scripts_app.engine.ports import CallControl
from scripts_app.runtime.loader import PublishedScriptLoader
from scripts_app.runtime.sql_port import GatewaySqlPort


@dataclass
class LiveCall:
    """What the media worker keeps of a call it handles."""

    decision: Decision
    context: CallContext | None = None
    outcome: str = ""  # queued, transferred, hung_up, completed, fallback, rejected

    @property
    def call_id(self) -> str:
        return self.decision.call_id

    @property
    def profile(self) -> dict[str, str]:
        return self.context.profile if self.context else self.decision.profile


async def start_call(decision: Decision, media: CallControl, owner: CallOwner) -> LiveCall:
    """Open the call's record and run its destination; returns once the caller has been handed on
    (queued, transferred), hung up, or the script ended. A rejected call is recorded and returned
    at once: the media worker answers it with decision.sip_status."""
    call = LiveCall(decision)
    if decision.kind == "reject":
        await asyncio.to_thread(
            call_records.rejected_call,
            call_id=decision.call_id,
            profile=decision.profile,
            owner=owner.id,
            sip_status=decision.sip_status,
            reason=decision.reason,
        )
        call.outcome = "rejected"
        return call
    await asyncio.to_thread(
        call_records.call_started,
        call_id=decision.call_id,
        profile=decision.profile,
        owner=owner.id,
        irn=decision.irn,
    )
    owner.track(decision.call_id, decision.profile)
    if decision.kind == "script":
        call.context = await _context(decision, media, owner)
        _stop_when_caller_leaves(media, call.context)
        call.outcome = await run_script(decision.graph, call.context, name=decision.target)
    elif decision.kind == "service":
        status = await LiveAcdPort(owner).queue_to_service(decision.call_id, decision.target, decision.profile)
        if status == "queued":
            call.outcome = "queued"
        else:  # nobody can take it and no script decides: the caller is told and the call ends
            await media.hangup()
            call.outcome = "hung_up"
    elif decision.kind == "device":
        call.outcome = "transferred" if await media.transfer(decision.target) else "hung_up"
    else:
        await media.hangup()
        call.outcome = "hung_up"
    if call.outcome == "queued":
        await media.start_music_on_hold()
    return call


def _stop_when_caller_leaves(media: CallControl, context: CallContext) -> None:
    """A caller who hangs up ends the script at its next step: the interpreter stops once the context has
    an outcome. The step under way finishes (a SQL statement in its thread cannot be interrupted); what
    follows would only play to nobody, run more SQL, or spin a retry loop up to the step budget and the
    fallback. Media ports that cannot tell (the simulator's console caller) do not offer the hook."""
    subscribe = getattr(media, "on_caller_gone", None)
    if subscribe is None:
        return

    def gone() -> None:
        if context.outcome is None:
            context.outcome = "hung_up"

    subscribe(gone)


async def _context(decision: Decision, media: CallControl, owner: CallOwner) -> CallContext:
    return await _new_context(decision.call_id, decision.profile, media, owner, decision.fallback_service)


async def _new_context(
    call_id: str, profile: dict[str, str], media: CallControl, owner: CallOwner, fallback_service: str | None
) -> CallContext:
    field_types = await asyncio.to_thread(lambda: dict(CallProfileField.objects.values_list("name", "data_type")))
    return CallContext(
        call_id=call_id,
        profile=profile,
        media=media,
        sql=GatewaySqlPort(via_worker=True),  # live calls: SQL in the `sql` worker
        acd=LiveAcdPort(owner),
        field_types=field_types,
        scripts=PublishedScriptLoader(),
        fallback_service=fallback_service,
    )


async def run_further_script(
    call: LiveCall,
    graph: Graph,
    media: CallControl,
    owner: CallOwner,
    *,
    name: str,
    fallback_service: str | None = None,
    stop_when: Callable[[Callable[[], None]], None] | None = None,
    hand_back: bool = False,
) -> str:
    """Run one more script on a live call — the IVR application of the service the caller waits in, the
    script a service overflows to — over the call's own profile; its steps go on the call's trace (one
    record, one trace). `stop_when(callback)`: a hook that calls back when the script must stop at its
    next step (the caller was bridged to an agent); the outcome is then "queued" (the call is as it was).
    `hand_back`: the caller stays where they are when the script ends or fails (`run_script`'s hand-back:
    the service's IVR application). Returns the script's outcome."""
    context = await _new_context(call.call_id, call.profile, media, owner, fallback_service)
    if call.context is not None:
        context.trace = call.context.trace
    else:
        call.context = context
    _stop_when_caller_leaves(media, context)
    if stop_when is not None:

        def stop() -> None:
            if context.outcome is None:
                context.outcome = "queued"

        stop_when(stop)
    return await run_script(graph, context, name=name, hand_back=hand_back)


async def finish_call(
    call: LiveCall, owner: CallOwner, *, sip_status: int | None = None, reason: str = "", caller_hung_up: bool = False
) -> None:
    """The caller's leg ended: the call leaves the ACD (an abandon if it was still waiting) and its
    record gets the final profile and the script's trace. `caller_hung_up`: the caller left while the
    script still ran (before it ended or handed them over) — an abandon too, not a completed call."""
    if call.outcome == "rejected":
        return
    was_in_acd = call.call_id in owner.records
    outcome: str  # a CallOutcome value
    await asyncio.to_thread(owner.hangup, call.call_id)
    if call.outcome == "fallback" and not was_in_acd:
        outcome = "failed"
    elif call.profile.get("Call Type") == "Callback":
        outcome, reason = "completed", reason or "callback requested"
    elif was_in_acd and call.profile.get("Agent Number", "") == "":
        outcome = "abandoned"
    elif caller_hung_up:
        outcome, reason = "abandoned", reason or "caller hung up during the script"
    else:
        outcome = "completed"
    trace = [step.as_dict() for step in call.context.trace] if call.context else []
    await asyncio.to_thread(
        call_records.call_finished,
        call_id=call.call_id,
        outcome=outcome,
        profile=call.profile,
        trace=trace,
        sip_status=sip_status,
        reason=reason,
    )
