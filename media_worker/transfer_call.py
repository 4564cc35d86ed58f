"""Blind transfer on the owning media child: the flows (targets and records: `media_worker.transfer`).

Two ways in, one routing (extension → dial and bridge; IRN → re-route in this child):

- `transfer_bridged` — the REST API asked (an owner message of type `transfer`) for a caller bridged to an
  agent. The agent's leg is hung up and the call leaves the ACD the normal way for a connected call
  (`owner.hangup`: the agent goes to wrap-up). Then
  - extension: the caller hears music on hold while the target rings (`ring_seconds`) with the profile's
    exported fields as `X-STCC-<Field>` headers; answer → bridged, and either leg ending ends the other.
    Busy, no answer or a failure: the caller is **not dropped** — the call is queued again to its service
    (the profile's `Service`, the agent's fields cleared) and waits on music on hold for the next agent;
    with no service (or the ACD refusing it) the caller hears the IRN script's apology prompt and is hung up;
  - IRN: `reroute` runs that IRN's destination on the same call.
- `start_refer_transfer` — the agent's phone sent a SIP REFER on its leg (the adapter declined it with 603 and
  posted a `TransferRequest`): `transfer_bridged` to the Refer-To (`refer_target`), as if the API had asked.
- `script_transfer` — the scripts' Transfer action (`PjCallControl.transfer`), for a caller in its script.
  Extension: dial and bridge as above, True once bridged; busy/no answer/failure → False (the caller stays,
  the script's failure exit decides). IRN: True at once, the re-route runs when the script has ended
  (`ScriptHandler` calls `reroute`, since the IRN's script is a new run, not a step of the old one).

What a call needs is kept in its CallHandle's `data` by `ScriptHandler`: "call_id", "owner", "profile" (the
live profile dict, shared with the CallOwner and the script context), "live" (the LiveCall once the first
destination returned), "decision", "track" (registers a task with the handler). Everything runs on the child's
loop thread; blocking work (database, ACD) goes through `asyncio.to_thread`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from media_worker.agent_leg import agent_headers, exported_fields
from media_worker.legs import Leg, wait_quietly
from media_worker.transfer import (
    FAILED_RESULTS,
    Target,
    TargetError,
    TransferStep,
    leg_result,
    resolve,
    ring_seconds,
    target_from_message,
    transfer_message,
    uri_user,
    without_agent,
)

log = logging.getLogger("media_worker.transfer")

HANGUP_WAIT_S = 5.0
BRIDGE_WAIT_S = 3.0
APOLOGY_S = 15.0


# the REST API's transfer of a bridged call ---------------------------------------------------------------


async def transfer_bridged(call, control, message: Mapping[str, str], *, previous: asyncio.Task | None = None) -> str:
    """Carry out an owner `transfer` message for `call` (see the module's docstring); returns the result."""
    call_id = call.data.get("call_id", "")
    owner = call.data.get("owner")
    try:
        target = target_from_message(message)
    except TargetError as exc:
        log.warning("call %s: %s", call_id, exc)
        return "failed"
    agent_leg = call.data.get("agent_leg")
    if owner is None or agent_leg is None or control.ended or call.data.get("transferring"):
        log.info("call %s: transfer to %s ignored: not bridged to an agent (any more)", call_id, target.destination)
        return "not_connected"
    profile: dict[str, str] = call.data.get("profile") or {}
    step = TransferStep(target, by=message.get("by") or "api", from_agent=profile.get("Agent Number", ""))
    _trace(call, control, owner).append(step)
    log.info("call %s: transfer from agent %s to %s %s", call_id, step.from_agent, target.kind, target.destination)
    # the agent leaves: its leg first (the agent-leg task sees "transferring" and leaves the caller up), then
    # the ACD's normal end of a connected call (wrap-up)
    call.data["transferring"] = agent_leg
    try:
        call.endpoint.hangup(agent_leg)
        try:
            await _to_thread(owner.hangup, call_id)
        except Exception:  # e.g. the ACD already ended the call: the transfer still goes on
            log.exception("call %s: the agent's end of the call not told to the ACD", call_id)
        if previous is not None and not previous.done():
            await asyncio.wait({previous}, timeout=HANGUP_WAIT_S)
        control.bridged = False
        if target.kind == "irn":
            without_agent(profile)
            outcome = await reroute(call, control, target.destination)
            step.finish("rerouted" if outcome else "not_routed", "" if outcome else f"IRN {target.destination}")
            if outcome is None:
                await _fallback(call, control, owner, profile)
            elif outcome not in ("queued", "transferred"):
                await control.hangup()
            return step.result
        await control.start_music_on_hold()
        result = await dial_and_bridge(call, control, target, profile)
        step.finish(result)
        if result in FAILED_RESULTS:
            await _fallback(call, control, owner, profile)
        return result
    except Exception as exc:  # never a caller left alone on a dead bridge: the call ends, the record says why
        log.exception("call %s: transfer failed", call_id)
        step.finish("failed", f"error: {exc}"[:200])
        await control.hangup()
        return "failed"
    finally:
        call.data.pop("transferring", None)


async def _fallback(call, control, owner, profile: dict[str, str]) -> None:
    """The transfer reached nobody: back to the call's service queue, else the apology and a hang-up."""
    from acd.services.call_owner import LiveAcdPort

    call_id = call.data.get("call_id", "")
    if control.ended:
        return
    without_agent(profile)
    service = (profile.get("Service") or "").strip()
    status = ""
    if service:
        owner.track(call_id, profile)
        try:
            status = await LiveAcdPort(owner).queue_to_service(call_id, service, profile)
        except Exception:
            log.exception("call %s: not queued again to %s", call_id, service)
    live = call.data.get("live")
    if status == "queued":
        log.info("call %s: transfer failed, queued again to %s", call_id, service)
        if live is not None:
            live.outcome = "queued"
        await control.start_music_on_hold()
        return
    log.info("call %s: transfer failed and no queue takes the caller (%s): apology, hang-up", call_id, status)
    decision = call.data.get("decision")
    prompt = getattr(getattr(decision, "graph", None), "apology_prompt", None)
    await control.stop_music_on_hold()
    if prompt and not control.ended:
        try:
            await asyncio.wait_for(control.play([prompt], language=_language(profile)), APOLOGY_S)
        except Exception:
            log.exception("call %s: apology not played", call_id)
    await control.hangup()


def refer_target(uri: str) -> str:
    """What a phone's Refer-To asks for, as a transfer target: its user part when that is a number (phones
    refer to `<number>@<the host they talk to>`, the child itself: an IRN, an extension...), else the URI."""
    inner = uri.strip()
    if "<" in inner:
        inner = inner.split("<", 1)[1].split(">", 1)[0]
    inner = inner.split("?", 1)[0]  # embedded headers (Replaces…) are not for us
    user = uri_user(inner).split(";", 1)[0]
    return user if re.fullmatch(r"\+?\d+", user) else inner


def start_refer_transfer(call, control, uri: str, *, previous: asyncio.Task | None) -> asyncio.Task:
    """The agent's phone sent a REFER for its bridged call: run `transfer_bridged` to its target in a task."""

    async def run() -> str:
        call_id = call.data.get("call_id", "")
        try:
            target = await _to_thread(resolve, refer_target(uri))
        except Exception as exc:  # the agent stays with the caller: the phone already got 603 for its REFER
            log.info("call %s: REFER to %r not usable: %s", call_id, uri, exc)
            return "failed"
        return await transfer_bridged(call, control, transfer_message(call_id, target, by="refer"), previous=previous)

    task = asyncio.get_running_loop().create_task(run())
    _track(call, task)
    return task


# dialling an extension ---------------------------------------------------------------------------------


async def dial_and_bridge(
    call,
    control,
    target: Target,
    profile: Mapping[str, str],
    *,
    ring_s: float | None = None,
    fields: Callable[[], list[str]] | None = None,
    wait_end: bool = True,
) -> str:
    """Dial `target` (an extension) for the caller's leg and bridge on answer.

    Returns "answered" (after both legs ended, or once bridged when not `wait_end`: a task then keeps either
    leg ending the other), "busy", "no_answer", "failed" or "caller_gone".
    """
    loop = asyncio.get_running_loop()
    ring_s = ring_seconds() if ring_s is None else ring_s
    try:
        headers = agent_headers(profile, await _to_thread(fields or exported_fields))
    except Exception:
        log.exception("call %s: exported fields not read", call.data.get("call_id"))
        headers = {}
    leg = Leg(loop)
    try:
        leg.call_id = call.dial(target.destination, headers, leg)
    except Exception as exc:
        log.warning("call %s: %s not dialled: %s", call.data.get("call_id"), target.destination, exc)
        return "failed"
    caller_ended = control.ended_future
    deadline = loop.time() + ring_s
    try:
        while not leg.confirmed.done():
            if caller_ended.done():
                call.endpoint.hangup(leg.call_id)
                await wait_quietly(leg.ended, HANGUP_WAIT_S)
                return "caller_gone"
            if leg.ended.done():
                result = leg_result(leg.status)
                return "failed" if result == "answered" else result  # a 2xx never confirmed: nobody is there
            remaining = deadline - loop.time()
            if remaining <= 0:
                call.endpoint.hangup(leg.call_id)  # CANCEL after the ring time
                await wait_quietly(leg.ended, HANGUP_WAIT_S)
                return "no_answer"
            waits = {leg.confirmed, leg.ended, caller_ended}
            await asyncio.wait(waits, timeout=remaining, return_when="FIRST_COMPLETED")
    except asyncio.CancelledError:  # the Transfer action's deadline, the child stopping: no leg left ringing
        if not leg.ended.done():
            call.endpoint.hangup(leg.call_id)
        raise
    control.bridged = True
    await control.stop_music_on_hold()
    if not call.bridge(leg.call_id):
        await asyncio.wait({leg.media, leg.ended, caller_ended}, timeout=BRIDGE_WAIT_S, return_when="FIRST_COMPLETED")
        if not call.bridge(leg.call_id):
            log.warning("call %s: transfer legs not bridged (no audio on one of them)", call.data.get("call_id"))
    log.info("call %s: transferred to %s (leg %s)", call.data.get("call_id"), target.destination, leg.call_id)
    if wait_end:
        await hold_bridge(call, control, leg)
    else:
        _track(call, loop.create_task(hold_bridge(call, control, leg)))
    return "answered"


async def hold_bridge(call, control, leg: Leg) -> None:
    """Either leg ending ends the other (the caller's end closes the call through `finish_call`)."""
    await asyncio.wait({leg.ended, control.ended_future}, return_when="FIRST_COMPLETED")
    if not control.ended_future.done():
        await control.hangup()
    elif not leg.ended.done():
        call.endpoint.hangup(leg.call_id)
        await wait_quietly(leg.ended, HANGUP_WAIT_S)


# the scripts' Transfer action ---------------------------------------------------------------------------


async def script_transfer(call, control, text: str) -> bool:
    """`PjCallControl.transfer`: see the module's docstring. False (the script's failure exit) on failure."""
    if not isinstance(getattr(call, "data", None), dict) or call.data.get("owner") is None or control.ended:
        return False  # not a call of a ScriptHandler (no owner, no profile): nothing to transfer with
    call_id = call.data.get("call_id", "")
    try:
        target = await _to_thread(resolve, text)
    except TargetError as exc:
        log.info("call %s: transfer to %r refused: %s", call_id, text, exc)
        return False
    except Exception:
        log.exception("call %s: transfer target %r not resolved", call_id, text)
        return False
    profile: dict[str, str] = call.data.get("profile") or {}
    step = TransferStep(target, by=call.data.get("transfer_by", "script"), from_agent=profile.get("Agent Number", ""))
    _trace(call, control, call.data["owner"]).append(step)
    if target.kind == "irn":
        call.data["reroute"] = target.destination
        step.finish("rerouted")
        return True
    await control.start_music_on_hold()
    result = await dial_and_bridge(call, control, target, profile, wait_end=False)
    step.finish(result)
    if result != "answered":
        await control.stop_music_on_hold()
    return result == "answered"


# re-routing to an IRN -----------------------------------------------------------------------------------


async def reroute(call, control, irn: str) -> str | None:
    """Run IRN `irn`'s destination on this call: same ACD call id, profile and record (the trace goes on).

    Returns the outcome (as `start_call`'s: queued, transferred, hung_up, completed, fallback), or None when
    the IRN cannot take the call (gone, or a script that was never published and no fallback service).
    The caller hangs up nothing here: the caller of this does it for an outcome other than queued/transferred.
    """
    from scripts_app.runtime.live_call import LiveCall

    call_id = call.data.get("call_id", "")
    owner = call.data["owner"]
    profile: dict[str, str] = call.data.get("profile") or {}
    decision = await _to_thread(irn_decision, irn, call_id, profile)
    if decision is None or decision.kind == "reject":
        log.warning("call %s: IRN %s cannot take the call", call_id, irn)
        return None
    live = call.data.get("live")
    if live is None:
        live = call.data["live"] = LiveCall(call.data.get("decision") or decision)
    owner.track(call_id, profile)
    log.info("call %s: re-routed to IRN %s (%s %s)", call_id, irn, decision.kind, decision.target)
    if decision.kind == "script":
        from scripts_app.engine.interpreter import run_script

        context = await _context(call, control, owner, decision)
        live.context = context
        live.outcome = await run_script(decision.graph, context, name=decision.target)
    elif decision.kind == "service":
        from acd.services.call_owner import LiveAcdPort

        profile["Service"] = decision.target
        status = await LiveAcdPort(owner).queue_to_service(call_id, decision.target, profile)
        live.outcome = "queued" if status == "queued" else "hung_up"
    elif decision.kind == "device":
        live.outcome = "transferred" if await script_transfer(call, control, decision.target) else "hung_up"
    else:
        live.outcome = "hung_up"
    if live.outcome == "queued":
        await control.start_music_on_hold()
    return live.outcome


def irn_decision(irn: str, call_id: str, profile: Mapping[str, str]) -> Any:
    """What IRN `irn` does with a call (blocking): `route_inbound`'s decision for a call to that number, minus
    its fresh profile (the transferred call keeps its own)."""
    from django.db import close_old_connections

    from acd.models import IRN
    from acd.services.inbound import Invite, route_inbound

    try:
        if not IRN.objects.filter(number=irn).exists():
            return None
        ani = profile.get("ANI", "") or "anonymous"
        invite = Invite(request_uri=f"sip:{irn}@transfer.invalid", from_uri=f"sip:{ani}@transfer.invalid")
        return route_inbound(invite, call_id=call_id)
    finally:
        close_old_connections()


async def _context(call, control, owner, decision) -> Any:
    """A script context over the call's own profile, continuing its trace (the old script's steps, the
    transfer), with the IRN's fallback service."""
    from acd.models import CallProfileField
    from acd.services.call_owner import LiveAcdPort
    from scripts_app.engine.context import CallContext
    from scripts_app.runtime.loader import PublishedScriptLoader
    from scripts_app.runtime.sql_port import GatewaySqlPort

    field_types = await _to_thread(lambda: dict(CallProfileField.objects.values_list("name", "data_type")))
    live = call.data.get("live")
    trace = live.context.trace if live is not None and live.context is not None else call.data.pop("trace", [])
    context = CallContext(
        call_id=call.data.get("call_id", ""),
        profile=call.data.get("profile") or {},
        media=control,
        sql=GatewaySqlPort(via_worker=True),  # live calls: SQL in the `sql` worker
        acd=LiveAcdPort(owner),
        field_types=field_types,
        scripts=PublishedScriptLoader(),
        fallback_service=decision.fallback_service,
    )
    context.trace = trace
    subscribe = getattr(control, "on_caller_gone", None)
    if subscribe is not None:  # a caller who hangs up ends the script at its next step (as start_call does)

        def gone() -> None:
            if context.outcome is None:
                context.outcome = "hung_up"

        subscribe(gone)
    return context


class TraceOnly:
    """What `finish_call` reads of a script context (profile, trace), for a call that ran no script (its IRN
    queued it straight to a service): the transfer still shows in its record's trace."""

    def __init__(self, profile: dict[str, str]) -> None:
        self.profile = profile
        self.trace: list = []
        self.outcome: str | None = None


def _trace(call, control, owner) -> list:
    """The trace the call's record will keep: its script context's. While the first script still runs (a
    Transfer action) the context is out of reach: entries wait in data["trace"] and `ScriptHandler` adds them
    when the script returns (`pending_trace`)."""
    live = call.data.get("live")
    if live is None:
        return call.data.setdefault("trace", [])
    if live.context is None:
        live.context = TraceOnly(call.data.get("profile") or live.profile)
    return live.context.trace


def pending_trace(call, live) -> None:
    """Move the trace entries made while the first script ran into the call's record trace."""
    pending = call.data.pop("trace", None)
    if pending:
        if live.context is None:
            live.context = TraceOnly(call.data.get("profile") or live.profile)
        live.context.trace.extend(pending)


# plumbing ---------------------------------------------------------------------------------------------------


def _track(call, task: asyncio.Task) -> None:
    track = call.data.get("track")
    if track is not None:
        track(task)
    else:
        call.data.setdefault("tasks", set()).add(task)


async def _to_thread(func: Callable[..., Any], *args: Any) -> Any:
    def run() -> Any:
        from django.db import close_old_connections

        try:
            return func(*args)
        finally:
            close_old_connections()

    return await asyncio.to_thread(run)


def _language(profile: Mapping[str, str]) -> int:
    try:
        return int(str(profile.get("Language", "0")).strip() or 0)
    except ValueError:
        return 0
