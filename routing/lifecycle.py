"""The one owner of a contact's life: start, run a destination, reroute, finish.

A contact (today a voice call; dial-list, email and chat contacts later) arrives with its `Decision`
(`routing.inbound`: the IRN chose a script, a service, a device or a hang-up). From then on:

- `start`: the record is opened (or, for a rejected call, written closed at once), the ACD tracks the
  contact, and the IRN's destination runs;
- `run_destination`: the one dispatch on a destination's kind, for the first destination, a transfer to an
  IRN (`reroute`), a service's overflow or no-agent destination (`divert`);
- `run_ivr`: a script while the caller keeps their place (the IVR application of the service they wait in);
- `finish`: the contact leaves the ACD and its record gets the outcome, the final profile and the trace;
  `fail` does the same after our own error, with the apology prompt first: never a silent drop.

The media side only translates its events into these calls: media goes through the scripts' `CallControl`
port (a transfer to an extension is `media.transfer`), the ACD through the contact's `CallOwner`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from acd.cti import publish as cti
from acd.services.call_owner import CallOwner, LiveAcdPort
from calls.models import CallProfileField
from calls.profile import language_of
from calls.services import call_records
from core.orm import run_orm
from routing.inbound import Decision, irn_decision
from routing.transfers import TransferStep, without_agent
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Graph
from scripts_app.engine.interpreter import run_script
from scripts_app.engine.ports import CallControl
from scripts_app.runtime.loader import PublishedScriptLoader, published_graph
from scripts_app.runtime.sql_port import GatewaySqlPort

log = logging.getLogger(__name__)

MAX_REROUTES = 8  # IRN scripts transferring to each other: never an endless loop
APOLOGY_SECONDS = 15.0
HANDED_ON = ("queued", "transferred")  # outcomes after which the caller is someone else's to end


@dataclass
class Contact:
    """One contact from its decision to its record: what every flow of the media side shares."""

    decision: Decision
    owner: CallOwner
    media: CallControl | None
    context: CallContext | None = None
    #: queued, transferred, hung_up, completed, fallback, rejected ("" while the first destination runs)
    outcome: str = ""
    #: the record's trace: every script run on the contact continues it, transfers add their steps
    trace: list[Any] = field(default_factory=list)
    #: an IRN a Transfer action chose: it runs once the script that chose it has ended
    reroute_to: str | None = None
    #: who transfers when a script's Transfer action or an IRN's device destination dials ("irn", "script")
    transfer_by: str = "script"
    #: the first destination returned: steps made while it ran wait in `pending` to follow its own steps
    first_done: bool = False
    pending: list[Any] = field(default_factory=list)

    @property
    def call_id(self) -> str:
        return self.decision.call_id

    @property
    def profile(self) -> dict[str, str]:
        return self.decision.profile

    def add_step(self, step: Any) -> None:
        """A transfer's entry on the record's trace (after the steps of a script still running)."""
        (self.trace if self.first_done else self.pending).append(step)
        if isinstance(step, TransferStep):  # every transfer passes here: the API's, a phone's, a script's, an IRN's
            target = step.target.text or step.target.destination
            cti.call_transferred(
                call_id=self.call_id, profile=self.profile, target=target, by=step.by, agent=step.from_agent
            )


async def start(contact: Contact) -> Contact:
    """Open the record and run the first destination, then any IRN a Transfer action chose; returns once the
    caller has been handed on (queued, transferred), hung up, or the script ended. A rejected call is written
    closed at once: the media side answers it with `decision.sip_status`."""
    decision, owner = contact.decision, contact.owner
    if decision.kind == "reject":
        await run_orm(
            call_records.rejected_call,
            call_id=decision.call_id,
            profile=decision.profile,
            owner=owner.id,
            sip_status=decision.sip_status,
            reason=decision.reason,
        )
        contact.outcome = "rejected"
        return contact
    await run_orm(
        call_records.call_started, call_id=decision.call_id, profile=decision.profile, owner=owner.id, irn=decision.irn
    )
    owner.track(decision.call_id, decision.profile)
    if decision.kind == "device":
        contact.transfer_by = "irn"
    contact.outcome = await run_destination(contact, decision)
    contact.first_done = True
    await run_reroutes(contact)
    return contact


async def run_destination(contact: Contact, decision: Decision, *, name: str = "") -> str:
    """The one dispatch on a destination's kind; returns the outcome (the caller of this ends a call whose
    outcome is not queued or transferred). A queued caller hears music on hold."""
    media = _media(contact)
    if decision.kind == "script":
        context = await new_context(contact, decision.fallback_service)
        outcome = await run_script(decision.graph, context, name=name or decision.target)
    elif decision.kind == "service":
        contact.profile["Service"] = decision.target
        status = await LiveAcdPort(contact.owner).queue_to_service(contact.call_id, decision.target, contact.profile)
        outcome = "queued" if status == "queued" else "hung_up"  # nobody can take it and no script decides
    elif decision.kind == "device":
        outcome = "transferred" if await media.transfer(decision.target) else "hung_up"
    else:
        outcome = "hung_up"
    if outcome == "queued":
        await media.start_music_on_hold()
    return outcome


async def run_reroutes(contact: Contact) -> None:
    """While a script's Transfer action chose an IRN, run that IRN's destination (which may transfer again)."""
    contact.trace.extend(contact.pending)
    contact.pending.clear()
    hops = 0
    while contact.outcome == "transferred" and contact.reroute_to is not None and not _caller_gone(contact.media):
        irn, contact.reroute_to = contact.reroute_to, None
        hops += 1
        if hops > MAX_REROUTES:
            log.warning("call %s: more than %d re-routes, hung up", contact.call_id, MAX_REROUTES)
            contact.outcome = "hung_up"
            return
        if await reroute(contact, irn) is None:
            contact.outcome = "hung_up"  # the IRN could not take the call after all: the caller is hung up


async def reroute(contact: Contact, irn: str) -> str | None:
    """Run IRN `irn`'s destination on this contact: same call id, profile and record (the trace goes on).
    Returns the outcome, or None when the IRN cannot take the call (gone, or a script never published and no
    fallback service)."""
    decision = await run_orm(irn_decision, irn, call_id=contact.call_id, profile=contact.profile)
    if decision is None or decision.kind == "reject":
        log.warning("call %s: IRN %s cannot take the call", contact.call_id, irn)
        return None
    contact.owner.track(contact.call_id, contact.profile)
    log.info("call %s: re-routed to IRN %s (%s %s)", contact.call_id, irn, decision.kind, decision.target)
    contact.outcome = await run_destination(contact, decision)
    return contact.outcome


async def divert(contact: Contact, kind: str, target: str, *, why: str) -> str:
    """The ACD handed the waiting contact back for its service's overflow or no-agent destination `kind`
    /`target` ("another service" stays inside the ACD); a script runs over the call's own profile with the
    IRN's fallback service. Then any IRN its Transfer action chose runs too."""
    if _caller_gone(contact.media):
        return "hung_up"
    log.info("call %s: %s to %s %s", contact.call_id, why, kind or "hangup", target)
    destination = Decision(kind, contact.call_id, contact.profile, target=target)
    if kind == "script":
        destination.graph = await run_orm(published_graph, target)
        destination.fallback_service = contact.decision.fallback_service
        if destination.graph is None:
            log.warning("call %s: %s script %r has no published version", contact.call_id, why, target)
            destination.kind = "hangup"
    contact.outcome = await run_destination(contact, destination)
    await run_reroutes(contact)
    return contact.outcome


async def run_ivr(contact: Contact, graph: Graph, *, name: str, stop_when: Callable[[Callable[[], None]], None]) -> str:
    """The IVR application of the service the caller waits in: the caller keeps their place when it ends or
    fails (the interpreter's hand-back). `stop_when(callback)` calls back when it must stop at its next step
    (an agent answered, the call left the queue): the outcome is then "queued"."""
    context = await new_context(contact, contact.decision.fallback_service)

    def stop() -> None:
        if context.outcome is None:
            context.outcome = "queued"

    stop_when(stop)
    return await run_script(graph, context, name=name, hand_back=True)


async def back_to_queue(contact: Contact) -> None:
    """A transfer reached nobody: the caller waits again in their service's queue (the agent's fields
    cleared), else hears the apology and is hung up."""
    media = _media(contact)
    if _caller_gone(media):
        return
    profile = contact.profile
    without_agent(profile)
    service = (profile.get("Service") or "").strip()
    status = ""
    if service:
        contact.owner.track(contact.call_id, profile)
        try:
            status = await LiveAcdPort(contact.owner).queue_to_service(contact.call_id, service, profile)
        except Exception:
            log.exception("call %s: not queued again to %s", contact.call_id, service)
    if status == "queued":
        log.info("call %s: transfer failed, queued again to %s", contact.call_id, service)
        contact.outcome = "queued"
        await media.start_music_on_hold()
        return
    log.info("call %s: transfer failed and no queue takes the caller (%s): apology, hang-up", contact.call_id, status)
    await media.stop_music_on_hold()
    await _apologise(contact)
    await media.hangup()


async def new_context(contact: Contact, fallback_service: str | None) -> CallContext:
    """A script context over the contact's own profile, continuing its trace; a caller who hangs up ends the
    script at its next step (the step under way finishes: a SQL statement in its thread cannot be stopped)."""
    field_types = await run_orm(lambda: dict(CallProfileField.objects.values_list("name", "data_type")))
    media = _media(contact)
    context = CallContext(
        call_id=contact.call_id,
        profile=contact.profile,
        media=media,
        sql=GatewaySqlPort(via_worker=True),  # live calls: SQL in the `sql` worker (bench/sql_path.py)
        acd=LiveAcdPort(contact.owner),
        field_types=field_types,
        scripts=PublishedScriptLoader(),
        fallback_service=fallback_service,
        trace=contact.trace,
    )
    contact.context = context
    subscribe = getattr(media, "on_caller_gone", None)  # the simulator's console caller cannot tell
    if subscribe is not None:

        def gone() -> None:
            if context.outcome is None:
                context.outcome = "hung_up"

        subscribe(gone)
    return context


async def finish(
    contact: Contact, *, sip_status: int | None = None, reason: str = "", caller_hung_up: bool = False
) -> None:
    """The caller's leg ended: the contact leaves the ACD (an abandon if it still waited) and its record gets
    the outcome, the final profile and the trace. `caller_hung_up`: the caller left while the script still ran
    (before it ended or handed them over): an abandon too, not a completed call."""
    if contact.outcome == "rejected":
        return
    owner, profile = contact.owner, contact.profile
    was_in_acd = contact.call_id in owner.records
    await run_orm(owner.hangup, contact.call_id)
    outcome: str  # a CallOutcome value
    if contact.outcome == "fallback" and not was_in_acd:
        outcome = "failed"
    elif profile.get("Call Type") == "Callback":
        outcome, reason = "completed", reason or "callback requested"
    elif was_in_acd and profile.get("Agent Number", "") == "":
        outcome = "abandoned"
    elif caller_hung_up:
        outcome, reason = "abandoned", reason or "caller hung up during the script"
    else:
        outcome = "completed"
    await run_orm(
        call_records.call_finished,
        call_id=contact.call_id,
        outcome=outcome,
        profile=profile,
        trace=_trace_rows(contact),
        sip_status=sip_status,
        reason=reason,
    )


async def fail(contact: Contact, reason: str, *, apology: bool) -> None:
    """Our error: the caller hears the apology (when asked and the script has one) and is hung up; the contact
    leaves the ACD and its record is closed as failed. Each step is tried whatever the one before did."""
    media = contact.media
    if apology and media is not None:
        await _apologise(contact)
    for what, step in (
        ("hangup", media.hangup if media is not None else None),
        ("leaving the ACD", lambda: run_orm(contact.owner.hangup, contact.call_id)),
        (
            "closing the record",
            lambda: run_orm(
                call_records.call_finished,
                call_id=contact.call_id,
                outcome="failed",
                profile=contact.profile,
                trace=_trace_rows(contact) or None,
                reason=reason,
            ),
        ),
    ):
        if step is None:
            continue
        try:
            await step()
        except Exception:
            log.exception("call %s: %s failed", contact.call_id, what)


async def abandoned_before_answer(decision: Decision, owner: CallOwner) -> None:
    """A caller who hung up while the call was being routed still counts: an abandoned call, on record."""

    def record() -> None:
        call_records.call_started(call_id=decision.call_id, profile=decision.profile, owner=owner.id, irn=decision.irn)
        call_records.call_finished(
            call_id=decision.call_id,
            outcome="abandoned",
            profile=decision.profile,
            reason="caller hung up before the answer",
        )

    try:
        await run_orm(record)
    except Exception:
        log.exception("call %s: early hang-up not recorded", decision.call_id)


async def _apologise(contact: Contact) -> None:
    media = contact.media
    prompt = getattr(contact.decision.graph, "apology_prompt", None)
    if not prompt or media is None or _caller_gone(media):
        return
    try:
        await asyncio.wait_for(media.play([prompt], language=language_of(contact.profile)), APOLOGY_SECONDS)
    except Exception:
        log.exception("call %s: apology not played", contact.call_id)


def _trace_rows(contact: Contact) -> list[dict[str, Any]]:
    return [step.as_dict() for step in [*contact.trace, *contact.pending]]


def _caller_gone(media: CallControl | None) -> bool:
    # the pjsua2 leg knows when the caller left; the simulator's console caller never leaves
    return bool(getattr(media, "ended", False))


def _media(contact: Contact) -> CallControl:
    if contact.media is None:
        raise RuntimeError(f"call {contact.call_id}: a destination needs the caller's media leg")
    return contact.media
