"""Agent legs: the owning child rings the agent the ACD reserved, bridges, and reports (issue 6 item 5).

When the ACD reserves an agent for a call this child holds (an owner message of type `reserved`), the
child places an outbound call from its own endpoint straight to the agent's extension (a SIP URI; media
and signalling go directly to the phone, not through the front), with every exported profile field that
has a value as a header `X-STCC-<Field>` (spaces become hyphens). Then:

- 180/183 → `owner.ringing`;
- 200 → music on hold stops, the two legs are bridged both ways on the conference bridge,
  `owner.answered`; from then on either leg ending hangs up the other. The caller's leg ending closes the
  call through `finish_call` → `owner.hangup` (a connected call: the engine puts the agent in wrap-up and
  the record closes completed with the agent's fields);
- busy (486/600), any other failure, or no answer within the message's `ring_ms` (the leg is cancelled)
  → `owner.no_answer`: the call goes back to its place, the caller stays on music on hold;
- the caller hanging up while the agent rings: the leg is cancelled; `finish_call` frees the agent;
- a blind transfer of the bridged call (`media_worker.transfer_call`: the REST API's, or the agent's phone's
  REFER, which the adapter declines and reports as a `TransferRequest`): the agent's leg is hung up, the caller
  stays (`call.data["transferring"]` names the leg) and this returns "transferred".

Everything here runs on the child's loop thread; the ACD calls go through `asyncio.to_thread`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable, Mapping

from media_worker.legs import Leg, wait_quietly

log = logging.getLogger("media_worker.agent_leg")

DEFAULT_RING_MS = 20000
HEADER_PREFIX = "X-STCC-"
MAX_HEADER_VALUE = 512


def header_name(field: str) -> str:
    """`Customer Number` → `X-STCC-Customer-Number` (anything not a SIP token character becomes `-`)."""
    token = re.sub(r"\s+", "-", field.strip())
    token = re.sub(r"[^A-Za-z0-9\-.!%*_+`'~]", "-", token)
    return HEADER_PREFIX + token


def header_value(value: object) -> str:
    """One header line: control characters (CR, LF, tabs…) become spaces, runs collapse, length capped."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(value))
    return re.sub(r" {2,}", " ", text).strip()[:MAX_HEADER_VALUE]


def agent_headers(profile: Mapping[str, str], exported: Iterable[str]) -> dict[str, str]:
    """The `X-STCC-<Field>` headers of the exported fields that have a non-empty value."""
    headers: dict[str, str] = {}
    for name in exported:
        value = header_value(profile.get(name, "") or "")
        if value:
            headers[header_name(name)] = value
    return headers


def exported_fields() -> list[str]:
    """The names of the exported profile fields (blocking: the database)."""
    from django.db import close_old_connections

    from calls.models import CallProfileField

    try:
        return list(CallProfileField.objects.filter(exported=True).values_list("name", flat=True))
    finally:
        close_old_connections()


async def ring_agent(
    call,
    control,
    owner,
    call_id: str,
    message: Mapping[str, str],
    profile: Mapping[str, str],
    *,
    started: asyncio.Future | None = None,
    fields: Callable[[], list[str]] = exported_fields,
) -> str:
    """Ring the reserved agent for the caller's leg `call` (a CallHandle with its PjCallControl `control`).

    Returns "answered" (after both legs ended), "transferred" (the agent's leg ended by a transfer, the caller
    stays), "no_answer", "busy", "failed" or "caller_gone".
    """
    loop = asyncio.get_running_loop()
    agent = message.get("agent", "")
    uri = (message.get("extension") or "").strip()
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
    try:
        headers = agent_headers(profile, await asyncio.to_thread(fields))
    except Exception:
        log.exception("call %s: exported fields not read", call_id)
        headers = {}
    leg = Leg(loop)
    try:
        leg.call_id = call.dial(uri, headers, leg)
    except Exception as exc:
        log.warning("call %s: agent %s at %s not dialled: %s", call_id, agent, uri, exc)
        await _report(owner.no_answer, call_id, agent)
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
            await _report(owner.no_answer, call_id, agent)
            return "busy" if status in (486, 600) else "failed" if status not in (408, 480, 487) else "no_answer"
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
    # the bridged agent leg: a transfer (media_worker.transfer_call) hangs it up and takes the caller on; named
    # before the ACD hears "answered", since from then on the REST API accepts a transfer of the call
    call.data["agent_leg"] = leg.call_id
    if not control.ended and not leg.ended.done():
        await _report(owner.answered, call_id, agent)
    await asyncio.wait({leg.ended, caller_ended, leg.refer}, return_when=asyncio.FIRST_COMPLETED)
    if leg.refer.done() and not leg.ended.done() and not caller_ended.done():
        # the agent's phone transferred the call (REFER): the same blind transfer as the REST API's, in a task
        # of its own that hangs this leg up (then this returns "transferred" below)
        from media_worker.transfer_call import start_refer_transfer

        start_refer_transfer(call, control, leg.refer.result(), previous=asyncio.current_task())
        await asyncio.wait({leg.ended, caller_ended}, return_when=asyncio.FIRST_COMPLETED)
    if call.data.get("agent_leg") == leg.call_id:
        call.data.pop("agent_leg", None)
    if call.data.get("transferring") == leg.call_id and not caller_ended.done():
        return "transferred"  # the agent left by a transfer: the caller stays, the transfer goes on
    if not caller_ended.done():
        await control.hangup()  # the agent hung up: the caller's leg ends too (finish_call closes the call)
    elif not leg.ended.done():
        call.endpoint.hangup(leg.call_id)
        await wait_quietly(leg.ended, 5.0)
    return "answered"


async def _report(action: Callable[[str, str], None], call_id: str, agent: str) -> None:
    """Tell the ACD (a worker thread: it is Redis and the database); errors are logged, never raised."""

    def run() -> None:
        from django.db import close_old_connections

        try:
            action(call_id, agent)
        finally:
            close_old_connections()

    try:
        await asyncio.to_thread(run)
    except Exception:
        log.exception("call %s: %s for agent %s not reported", call_id, getattr(action, "__name__", action), agent)
