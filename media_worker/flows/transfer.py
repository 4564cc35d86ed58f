"""Blind transfer on the owning media child: the legs (targets and records: `routing.transfers`; the call's
life: `routing.lifecycle`).

Two ways in, one routing (extension → dial and bridge; IRN → `lifecycle.reroute` on this call):

- `transfer_bridged` — the REST API asked (an owner message of type `transfer`) for a caller bridged to an
  agent. The agent's leg is hung up and the call leaves the ACD the normal way for a connected call
  (`owner.hangup`: the agent goes to wrap-up). Then
  - extension: the caller hears music on hold while the target rings (`ring_seconds`) with the profile's
    exported fields as `X-STCC-<Field>` headers; answer → bridged, and either leg ending ends the other.
    Busy, no answer or a failure: the caller is **not dropped** (`lifecycle.back_to_queue`: queued again to
    their service, else the apology and a hang-up);
  - IRN: `lifecycle.reroute` runs that IRN's destination on the same call.
- `start_refer_transfer` — the agent's phone sent a SIP REFER on its leg (the adapter declined it with 603 and
  posted a `TransferRequest`): `transfer_bridged` to the Refer-To (`refer_target`), as if the API had asked.
- `script_transfer` — the scripts' Transfer action (`PjCallControl.transfer`), for a caller in its script.
  Extension: dial and bridge as above, True once bridged; busy/no answer/failure → False (the caller stays,
  the script's failure exit decides). IRN: True at once; the contact's `reroute_to` runs when the script has
  ended (`lifecycle.run_reroutes`: the IRN's script is a new run, not a step of the old one).

Everything runs on the child's loop thread; blocking work (database, ACD) goes through `core.orm.run_orm`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping

from core.orm import run_orm
from media_worker.flows.media_call import MediaCall
from media_worker.flows.stcc_headers import agent_headers, exported_fields
from media_worker.pjsua.call_control import PjCallControl
from media_worker.pjsua.legs import Leg, wait_quietly
from routing import lifecycle
from routing.transfers import (
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

log = logging.getLogger("routing.transfers")

HANGUP_WAIT_S = 5.0
BRIDGE_WAIT_S = 3.0


# the REST API's transfer of a bridged call ---------------------------------------------------------------


async def transfer_bridged(mc: MediaCall, message: Mapping[str, str], *, previous: asyncio.Task | None = None) -> str:
    """Carry out an owner `transfer` message for the call (see the module's docstring); returns the result."""
    contact, control = mc.contact, mc.control
    try:
        target = target_from_message(message)
    except TargetError as exc:
        log.warning("call %s: %s", mc.call_id, exc)
        return "failed"
    if contact is None or control is None or mc.agent_leg is None or control.ended or mc.transferring is not None:
        log.info("call %s: transfer to %s ignored: not bridged to an agent (any more)", mc.call_id, target.destination)
        return "not_connected"
    profile = contact.profile
    step = TransferStep(target, by=message.get("by") or "api", from_agent=profile.get("Agent Number", ""))
    contact.add_step(step)
    log.info("call %s: transfer from agent %s to %s %s", mc.call_id, step.from_agent, target.kind, target.destination)
    # the agent leaves: its leg first (the agent-leg task sees `transferring` and leaves the caller up), then
    # the ACD's normal end of a connected call (wrap-up)
    mc.transferring = mc.agent_leg
    try:
        mc.handle.endpoint.hangup(mc.agent_leg)
        try:
            await run_orm(contact.owner.hangup, mc.call_id)
        except Exception:  # e.g. the ACD already ended the call: the transfer still goes on
            log.exception("call %s: the agent's end of the call not told to the ACD", mc.call_id)
        if previous is not None and not previous.done():
            await asyncio.wait({previous}, timeout=HANGUP_WAIT_S)
        control.bridged = False
        if target.kind == "irn":
            without_agent(profile)
            outcome = await lifecycle.reroute(contact, target.destination)
            step.finish("rerouted" if outcome else "not_routed", "" if outcome else f"IRN {target.destination}")
            if outcome is None:
                await lifecycle.back_to_queue(contact)
                return step.result
            await lifecycle.run_reroutes(contact)
            if contact.outcome not in lifecycle.HANDED_ON:
                await control.hangup()
            return step.result
        await control.start_music_on_hold()
        result = await dial_and_bridge(mc, target, profile)
        step.finish(result)
        if result in FAILED_RESULTS:
            await lifecycle.back_to_queue(contact)
        return result
    except Exception as exc:  # never a caller left alone on a dead bridge: the call ends, the record says why
        log.exception("call %s: transfer failed", mc.call_id)
        step.finish("failed", f"error: {exc}"[:200])
        await control.hangup()
        return "failed"
    finally:
        mc.transferring = None


def refer_target(uri: str) -> str:
    """What a phone's Refer-To asks for, as a transfer target: its user part when that is a number (phones
    refer to `<number>@<the host they talk to>`, the child itself: an IRN, an extension...), else the URI."""
    inner = uri.strip()
    if "<" in inner:
        inner = inner.split("<", 1)[1].split(">", 1)[0]
    inner = inner.split("?", 1)[0]  # embedded headers (Replaces…) are not for us
    user = uri_user(inner).split(";", 1)[0]
    return user if re.fullmatch(r"\+?\d+", user) else inner


def start_refer_transfer(mc: MediaCall, uri: str, *, previous: asyncio.Task | None) -> asyncio.Task:
    """The agent's phone sent a REFER for its bridged call: run `transfer_bridged` to its target in a task."""

    async def run() -> str:
        try:
            target = await run_orm(resolve, refer_target(uri))
        except Exception as exc:  # the agent stays with the caller: the phone already got 603 for its REFER
            log.info("call %s: REFER to %r not usable: %s", mc.call_id, uri, exc)
            return "failed"
        return await transfer_bridged(mc, transfer_message(mc.call_id, target, by="refer"), previous=previous)

    task = asyncio.get_running_loop().create_task(run())
    mc.track(task)
    return task


# dialling an extension ---------------------------------------------------------------------------------


async def dial_and_bridge(
    mc: MediaCall,
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
    call, control = mc.handle, _control(mc)
    loop = asyncio.get_running_loop()
    ring_s = ring_seconds() if ring_s is None else ring_s
    try:
        headers = agent_headers(profile, await run_orm(fields or exported_fields))
    except Exception:
        log.exception("call %s: exported fields not read", mc.call_id)
        headers = {}
    leg = Leg(loop)
    try:
        leg.call_id = call.dial(target.destination, headers, leg)
    except Exception as exc:
        log.warning("call %s: %s not dialled: %s", mc.call_id, target.destination, exc)
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
            log.warning("call %s: transfer legs not bridged (no audio on one of them)", mc.call_id)
    log.info("call %s: transferred to %s (leg %s)", mc.call_id, target.destination, leg.call_id)
    if wait_end:
        await hold_bridge(mc, leg)
    else:
        mc.track(loop.create_task(hold_bridge(mc, leg)))
    return "answered"


async def hold_bridge(mc: MediaCall, leg: Leg) -> None:
    """Either leg ending ends the other (the caller's end closes the call through `lifecycle.finish`)."""
    control = _control(mc)
    await asyncio.wait({leg.ended, control.ended_future}, return_when="FIRST_COMPLETED")
    if not control.ended_future.done():
        await control.hangup()
    elif not leg.ended.done():
        mc.handle.endpoint.hangup(leg.call_id)
        await wait_quietly(leg.ended, HANGUP_WAIT_S)


# the scripts' Transfer action ---------------------------------------------------------------------------


async def script_transfer(mc: MediaCall, text: str) -> bool:
    """`PjCallControl.transfer`: see the module's docstring. False (the script's failure exit) on failure."""
    contact, control = mc.contact, mc.control
    if contact is None or control is None or control.ended:
        return False
    try:
        target = await run_orm(resolve, text)
    except TargetError as exc:
        log.info("call %s: transfer to %r refused: %s", mc.call_id, text, exc)
        return False
    except Exception:
        log.exception("call %s: transfer target %r not resolved", mc.call_id, text)
        return False
    profile = contact.profile
    step = TransferStep(target, by=contact.transfer_by, from_agent=profile.get("Agent Number", ""))
    contact.add_step(step)
    if target.kind == "irn":
        contact.reroute_to = target.destination
        step.finish("rerouted")
        return True
    await control.start_music_on_hold()
    result = await dial_and_bridge(mc, target, profile, wait_end=False)
    step.finish(result)
    if result != "answered":
        await control.stop_music_on_hold()
    return result == "answered"


def _control(mc: MediaCall) -> PjCallControl:
    if mc.control is None:
        raise RuntimeError(f"call {mc.call_id}: not answered, nothing to transfer")
    return mc.control
