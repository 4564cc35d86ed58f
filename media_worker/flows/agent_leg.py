"""Agent legs: the owning child rings the agent the ACD reserved, bridges, and reports (issue 6 item 5).

When the ACD reserves an agent for a call this child holds (an owner message of type `reserved`), the
child places an outbound call from its own endpoint to the agent's extension (a static SIP URI: straight to
that phone; a registered user like `1001`: through the SIP front, which knows where the phone registered,
see `agent_phone`), with every exported profile field that
has a value as a header `X-STCC-<Field>` (spaces become hyphens). Then:

- 180/183 → `owner.ringing`;
- 200 → music on hold stops, the two legs are bridged both ways on the conference bridge,
  `owner.answered`; from then on either leg ending hangs up the other. The caller's leg ending closes the
  call through `finish_call` → `owner.hangup` (a connected call: the engine puts the agent in wrap-up and
  the record closes completed with the agent's fields);
- while bridged, the agent's phone holding the call (sendonly/inactive) plays the caller music on hold until it
  resumes; DTMF keys the agent's phone sends (RFC 4733 or SIP INFO) are sent on to the caller by RFC 4733;
- busy (486/600), any other failure, or no answer within the message's `ring_ms` (the leg is cancelled)
  → `owner.no_answer`: the call goes back to its place, the caller stays on music on hold;
- the caller hanging up while the agent rings: the leg is cancelled; `finish_call` frees the agent;
- a blind transfer of the bridged call (`media_worker.flows.transfer`: the REST API's, or the agent's phone's
  REFER, which the adapter declines and reports as a `TransferRequest`): the agent's leg is hung up, the caller
  stays (`MediaCall.transferring` names the leg) and this returns "transferred".

Everything here runs on the child's loop thread; the ACD calls go through `asyncio.to_thread`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping

from acd.services.screen_pops import offer_pop
from core.orm import run_orm
from media_worker.flows.agent_phone import agent_dial_uri
from media_worker.flows.media_call import MediaCall
from media_worker.flows.stcc_headers import agent_headers, caller_identity, exported_fields
from media_worker.flows.transfer import start_refer_transfer
from media_worker.pjsua import events
from media_worker.pjsua.call_control import default_moh_path
from media_worker.pjsua.legs import Leg, wait_quietly

log = logging.getLogger("media_worker.flows.agent_leg")

DEFAULT_RING_MS = 20000


async def ring_agent(
    mc: MediaCall,
    call_id: str,
    message: Mapping[str, str],
    profile: Mapping[str, str],
    *,
    started: asyncio.Future | None = None,
    fields: Callable[[], list[str]] = exported_fields,
) -> str:
    """Ring the reserved agent for the caller's leg `mc` (answered: it has its PjCallControl and contact).

    Returns "answered" (after both legs ended), "transferred" (the agent's leg ended by a transfer, the caller
    stays), "no_answer", "busy", "failed" or "caller_gone".
    """
    loop = asyncio.get_running_loop()
    call, control, owner = mc.handle, mc.control, mc.contact.owner if mc.contact is not None else None
    if control is None or owner is None:
        return "failed"
    agent = message.get("agent", "")
    uri = agent_dial_uri(message.get("extension") or "")  # a registered phone is reached through the front
    try:
        ring_s = max(1.0, int(message.get("ring_ms") or DEFAULT_RING_MS) / 1000)
    except ValueError:
        ring_s = DEFAULT_RING_MS / 1000
    if control.ended:
        return "caller_gone"
    if not uri:
        log.warning("call %s: agent %s has no extension", call_id, agent)
        await _report(owner.no_answer, call_id, agent)
        return "failed"
    exported: list[str] | None = None
    try:
        exported = await run_orm(fields)
        headers = agent_headers(profile, exported)
    except Exception:
        log.exception("call %s: exported fields not read", call_id)
        headers = {}
    identity = caller_identity(profile, uri)
    headers["P-Asserted-Identity"] = identity
    try:  # the desktop's screen pop, as the phone starts ringing; never holds the call up
        service = message.get("service", "")
        await run_orm(offer_pop, call_id=call_id, agent=agent, service=service, profile=profile, exported=exported)
    except Exception:
        log.exception("call %s: screen pop for agent %s not sent", call_id, agent)
    leg = Leg(loop)
    try:
        leg.call_id = call.dial(uri, headers, leg, from_uri=identity)
    except Exception as exc:
        log.warning("call %s: agent %s at %s not dialled: %s", call_id, agent, uri, exc)
        await _report(owner.no_answer, call_id, agent, failure=500)
        return "failed"
    log.info("call %s: ringing agent %s at %s (leg %s)", call_id, agent, uri, leg.call_id)
    deadline = loop.time() + ring_s
    caller_ended = control.ended_future
    rang = False
    while True:
        if caller_ended.done():
            call.endpoint.hangup(leg.call_id)
            return "caller_gone"
        if leg.confirmed.done():
            break
        if leg.ended.done():
            status = getattr(leg.ended.result(), "status_code", 0)
            result = "busy" if status in (486, 600) else "failed" if status not in (408, 480, 487) else "no_answer"
            # an error reply (no common codec, 5xx…) counts towards releasing an agent whose phone keeps failing
            await _report(owner.no_answer, call_id, agent, failure=(status or 500) if result == "failed" else 0)
            return result
        if leg.ringing.done() and not rang:
            rang = True
            await _report(owner.ringing, call_id, agent)
            continue
        remaining = deadline - loop.time()
        if remaining <= 0:
            call.endpoint.hangup(leg.call_id)  # CANCEL
            await wait_quietly(leg.ended, 5.0)
            await _report(owner.no_answer, call_id, agent)
            return "no_answer"
        waits = {leg.confirmed, leg.ended, caller_ended} | (set() if rang else {leg.ringing})
        await asyncio.wait(waits, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)

    # answered: stop the music, bridge, report, then wait for either leg to end
    if started is not None and not started.done():
        await asyncio.wait({started, caller_ended, leg.ended}, return_when=asyncio.FIRST_COMPLETED)
    control.bridged = True
    await control.stop_music_on_hold()
    if not control.ended and not leg.ended.done() and not call.bridge(leg.call_id):
        await asyncio.wait({leg.media, leg.ended, caller_ended}, timeout=3.0, return_when=asyncio.FIRST_COMPLETED)
        if not call.bridge(leg.call_id):
            log.warning("call %s: legs not bridged (no audio on one of them)", call_id)
    # the bridged agent leg: a transfer (media_worker.flows.transfer) hangs it up and takes the caller on; named
    # before the ACD hears "answered", since from then on the REST API accepts a transfer of the call
    mc.agent_leg = leg.call_id
    # keys the agent presses reach the caller, as on a PBX's bridged call (an outside IVR, a conference code)
    leg.on_dtmf = lambda digit: _pass_dtmf(call, call_id, digit)
    # the agent's phone holds the call: the caller hears music on hold, not silence, until the agent resumes
    leg.on_hold = lambda held: _keep(loop.create_task(_agent_hold(call, control, call_id, held)))
    if not control.ended and not leg.ended.done():
        await _report(owner.answered, call_id, agent)
    await asyncio.wait({leg.ended, caller_ended, leg.refer}, return_when=asyncio.FIRST_COMPLETED)
    if leg.refer.done() and not leg.ended.done() and not caller_ended.done():
        # the agent's phone transferred the call (REFER): the same blind transfer as the REST API's, in a task
        # of its own that hangs this leg up (then this returns "transferred" below)
        start_refer_transfer(mc, leg.refer.result(), previous=asyncio.current_task())
        await asyncio.wait({leg.ended, caller_ended}, return_when=asyncio.FIRST_COMPLETED)
    if mc.agent_leg == leg.call_id:
        mc.agent_leg = None
    if mc.transferring == leg.call_id and not caller_ended.done():
        return "transferred"  # the agent left by a transfer: the caller stays, the transfer goes on
    if not caller_ended.done():
        await control.hangup()  # the agent hung up: the caller's leg ends too (finish_call closes the call)
    elif not leg.ended.done():
        call.endpoint.hangup(leg.call_id)
        await wait_quietly(leg.ended, 5.0)
    return "answered"


async def _report(action: Callable[..., None], call_id: str, agent: str, **extra: int) -> None:
    """Tell the ACD (a worker thread: it is Redis and the database); errors are logged, never raised."""
    try:
        await run_orm(action, call_id, agent, **extra)
    except Exception:
        log.exception("call %s: %s for agent %s not reported", call_id, getattr(action, "__name__", action), agent)


_hold_tasks: set[asyncio.Task] = set()


def _keep(task: asyncio.Task) -> None:
    _hold_tasks.add(task)
    task.add_done_callback(_hold_tasks.discard)


async def _agent_hold(call, control, call_id: str, held: bool) -> None:
    if control.ended:
        return
    if not held:
        call.stop_play()
        log.info("call %s: the agent resumed the call", call_id)
        return
    path = control.moh_path if control.moh_path is not None else await asyncio.to_thread(default_moh_path)
    if not control.ended:
        call.play(str(path), loop=True)
        log.info("call %s: the agent put the caller on hold: music on hold", call_id)


def _pass_dtmf(call, call_id: str, digit: str) -> None:
    if digit.upper() in events.DTMF_KEYS and call.endpoint.send_dtmf(call.call_id, digit.upper()):
        log.info("call %s: the agent's DTMF %s passed to the caller", call_id, digit.upper())
