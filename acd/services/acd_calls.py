"""Call events of the ACD (queued, offered, answered, no answer, abandoned, overflowed, callbacks):
the engine acts, a history row is written, the change is published after the commit.

The process that owns the call (media worker, the scripts' AcdPort) calls these instead of the
engine directly, so that every change reaches history and the live feed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from acd import notifier
from acd.engine import AcdEngine, AcdError, Diversion, EnqueueResult, Removal, Requeued
from acd.services.agent_states import start_wrap_up_timer
from calls.models import AcdEvent, AcdEventKind

#: outcomes of a callback dial (the media worker's SIP result)
DIAL_RESULTS = ("answered", "busy", "no_answer", "wrong_number", "failed")


def _wait_s(call: Mapping[str, str], now_ms: float) -> float | None:
    entered = call.get("entered_at")
    return None if not entered else max(0.0, (now_ms - float(entered)) / 1000)


def _now_ms() -> float:
    secs, usecs = notifier.engine().client.time()
    return secs * 1000 + usecs / 1000


def _s(value: Any) -> Any:
    return value.decode() if isinstance(value, bytes) else value


def _event(kind: str, call_id: str, service: str = "", agent: str = "", **fields: Any) -> None:
    AcdEvent.objects.create(kind=kind, call_id=call_id, service=service or "", agent=agent or "", **fields)


def _offered(call_id: str, service: str, agent: str | None) -> None:
    if agent:
        _event(AcdEventKind.OFFERED, call_id, service, agent)


def call_queued(
    *,
    call_id: str,
    service: str,
    priority: int = 0,
    skills: Mapping[str, int] | None = None,
    owner: str = "",
    agent_queue: str = "",
) -> EnqueueResult:
    """Queue the call; status other than "queued" (no_agents, full, unknown_service) writes no row.

    agent_queue: an agent number: the call waits in that agent's personal queue.
    """
    eng = notifier.engine()
    with transaction.atomic():
        res = eng.enqueue(call_id, service, priority=priority, skills=skills, owner=owner, agent_queue=agent_queue)
        if res.status == "queued":
            position = eng.queue_position(call_id)
            data: dict[str, Any] = {"priority": priority, "skills": dict(skills or {})}
            if agent_queue:
                data["agent_queue"] = agent_queue
            _event(AcdEventKind.QUEUED, call_id, service, position=position or (1 if res.agent else None), data=data)
            _offered(call_id, service, res.agent)
            notifier.publish(eng, agents=[res.agent or "", agent_queue], services=[service])
    return res


def call_priority_changed(*, call_id: str, priority: int) -> int:
    """A script's Change Profile raised (or lowered) the Priority of a queued call; returns its position."""
    eng = notifier.engine()
    position = eng.set_priority(call_id, priority)
    notifier.publish(eng, services=[eng.call(call_id).get("service", "")])
    return position


def call_ringing(*, call_id: str, agent: str) -> None:
    eng = notifier.engine()
    eng.ringing(call_id, agent)
    notifier.publish(eng, agents=[agent])


def call_answered(*, call_id: str, agent: str) -> None:
    eng = notifier.engine()
    with transaction.atomic():
        call = eng.call(call_id)
        eng.answered(call_id, agent)
        eng.client.delete(_phone_fail_key(eng, agent))  # the phone works: failures count from zero
        _event(AcdEventKind.ANSWERED, call_id, call.get("service", ""), agent, wait_seconds=_wait_s(call, _now_ms()))
        if call.get("kind") == "callback":
            _callback_made(call, call_id, agent, "answered")
        notifier.publish(eng, agents=[agent], services=[call.get("service", "")])


PHONE_FAILED = "phone-failed"  # the release code of an agent whose phone keeps refusing offered calls


def _phone_fail_key(eng: AcdEngine, agent: str) -> str:
    return f"{eng.prefix}phonefail:{agent}"


def _phone_failures(eng: AcdEngine, agent: str, failure: int) -> int:
    """Consecutive failed offers of the agent's phone (reset by an answered call, forgotten after an hour)."""
    key = _phone_fail_key(eng, agent)
    if not failure:
        return 0
    pipe = eng.client.pipeline()
    pipe.incr(key)
    pipe.expire(key, 3600)
    return int(pipe.execute()[0])


def call_no_answer(*, call_id: str, agent: str, agent_state_after: str | None = None, failure: int = 0) -> None:
    """The agent did not answer: the call goes back to its place and the agent to the service's
    no-answer state (or `agent_state_after`); either may be reserved again at once (offered rows).

    `failure`: the SIP status of the phone's error reply (488 no common codec, 5xx…; 0 when it rang out or
    was busy). After settings.CCWEB_AGENT_PHONE_FAILURES such failures in a row the agent is released with
    code `phone-failed` and the reason in the history, so a broken phone is not offered call after call
    (many a second) while the call goes to the next agent.
    """
    eng = notifier.engine()
    failures = _phone_failures(eng, agent, failure)
    give_up = bool(failure) and failures >= settings.CCWEB_AGENT_PHONE_FAILURES
    with transaction.atomic():
        service = eng.call(call_id).get("service", "")
        after = agent_state_after or _s(eng.client.hget(eng.keys.service(service), "after")) or "released"
        if give_up:
            after = "released"
        got, other = eng.no_answer(call_id, agent, after)  # type: ignore[arg-type]
        data: dict[str, Any] = {"after": after, **({"sip_status": failure} if failure else {})}
        _event(AcdEventKind.NO_ANSWER, call_id, service, agent, data=data)
        if give_up:
            eng.release(agent, PHONE_FAILED)
            eng.client.delete(_phone_fail_key(eng, agent))
            reason = f"the phone refused {failures} offered calls in a row (last: SIP {failure})"
            _event(
                AcdEventKind.AGENT_STATE,
                "",
                agent=agent,
                data={"action": "release", "state": "released", "code": PHONE_FAILED, "reason": reason, "by": "ACD"},
            )
        _offered(call_id, service, got)
        if other:
            _offered(other, eng.call(other).get("service", ""), agent)
        notifier.publish(eng, agents=[agent, got or ""], services=[service])


def call_hangup(*, call_id: str, abandon_to: str = "", profile: Mapping[str, str] | None = None) -> Removal:
    """The caller's leg ended. Waiting or reserved: an abandon, with its position and wait; with
    `abandon_to` (the caller's number) a service that calls back abandoned callers keeps the place
    as a callback. A callback the caller asked for stays until it is made."""
    eng = notifier.engine()
    with transaction.atomic():
        call = eng.call(call_id)
        if not call:
            raise AcdError(f"call {call_id} is not in the ACD", "unknown_call")
        kept = {**(profile or {}), "Call Type": "Abandoned", "Call Back Time": ""} if abandon_to else None
        removal = eng.hangup(call_id, abandon_to=abandon_to, profile=kept)
        service = call.get("service", "")
        if removal.outcome == "callback" and call.get("kind") != "callback":
            _event(
                AcdEventKind.CALLBACK_REQUESTED,
                call_id,
                service,
                position=removal.position or None,
                wait_seconds=removal.wait_s,
                data={"destinations": [abandon_to], "abandoned": True},
            )
        elif removal.outcome == "removed" and removal.state in ("waiting", "reserved"):
            _event(
                AcdEventKind.ABANDONED,
                call_id,
                service,
                call.get("agent", ""),
                position=removal.position or None,
                wait_seconds=removal.wait_s,
            )
        notifier.publish(eng, agents=[call.get("agent", ""), call.get("pagent", "")], services=[service])
    if removal.state == "connected" and call.get("agent"):
        start_wrap_up_timer(number=call["agent"])  # the engine put the agent in wrap-up
    return removal


def call_ended(*, agent: str, wrap_up: bool = False) -> str | None:
    """The agent's ACD call ended (agent side): wrap-up or available; returns a call reserved next."""
    eng = notifier.engine()
    with transaction.atomic():
        reserved = eng.end_call(agent, wrap_up=wrap_up)
        if reserved:
            _offered(reserved, eng.call(reserved).get("service", ""), agent)
        notifier.publish(eng, agents=[agent])
    if wrap_up:
        start_wrap_up_timer(number=agent)
    return reserved


# callbacks ---------------------------------------------------------------------------------


def callback_requested(
    *,
    call_id: str,
    destinations: list[str],
    last_time: datetime | None = None,
    profile: Mapping[str, str] | None = None,
) -> int:
    """The waiting caller asked to be called back: the call keeps its place as a callback, with
    its profile (for the agent and the dialer).

    Returns its position. Raises AcdError (invalid_transition when it is not waiting,
    invalid_callback without a destination, unknown_call).
    """
    eng = notifier.engine()
    with transaction.atomic():
        service = eng.call(call_id).get("service", "")
        position = eng.request_callback(
            call_id, destinations, last_time=last_time.timestamp() if last_time else None, profile=profile
        )
        _event(
            AcdEventKind.CALLBACK_REQUESTED,
            call_id,
            service,
            position=position or None,
            data={"destinations": destinations, "last_time": last_time.isoformat() if last_time else ""},
        )
        notifier.publish(eng, services=[service])
    return position


def _callback_made(call: Mapping[str, str], call_id: str, agent: str, result: str, **extra: Any) -> None:
    dests = call.get("cb") or "[]"
    idx = int(call.get("cb_idx") or 0)
    destinations = json.loads(dests)
    _event(
        AcdEventKind.CALLBACK_MADE,
        call_id,
        call.get("service", ""),
        agent,
        data={
            "result": result,
            "destination": destinations[idx] if idx < len(destinations) else "",
            "attempt": int(call.get("cb_try") or 0),
            **extra,
        },
    )


def callback_dial_failed(*, call_id: str, agent: str, result: str) -> Requeued:
    """A callback's dial ended without an answer (busy, no_answer, wrong_number, failed): the
    attempt is used up, the callback goes back to its place or, with no attempt left, is dropped."""
    if result not in DIAL_RESULTS or result == "answered":
        raise ValueError(f"a failed dial is one of {', '.join(DIAL_RESULTS[1:])}, not {result!r}")
    eng = notifier.engine()
    with transaction.atomic():
        call = eng.call(call_id)
        if call.get("kind") != "callback":
            raise AcdError(f"call {call_id} is not a callback", "invalid_transition")
        requeued = eng.callback_failed(call_id, agent)
        _callback_made(call, call_id, agent, result, exhausted=requeued.callback == "exhausted")
        _offered(call_id, call.get("service", ""), requeued.got)
        if requeued.other:
            _offered(requeued.other, eng.call(requeued.other).get("service", ""), agent)
        notifier.publish(eng, agents=[agent, requeued.got or ""], services=[call.get("service", "")])
    return requeued


# periodic ----------------------------------------------------------------------------------

_DIVERSION_KIND: dict[str, str] = {
    "overflowed": AcdEventKind.OVERFLOWED,
    "no_agent": AcdEventKind.NO_AGENT,
    "expired": AcdEventKind.CALLBACK_EXPIRED,
}


def supervise_queues(*, now: float | None = None) -> list[Diversion]:
    """Apply every service's queue rules (maximum queue time, no-agent timer, callback last time)
    and send position updates to owners; history rows for the calls that left their queue."""
    eng = notifier.engine()
    names = sorted(str(n.decode() if isinstance(n, bytes) else n) for n in eng.client.smembers(eng.keys.services))
    out: list[Diversion] = []
    touched: set[str] = set()
    # one script call per service (Redis is never blocked long); "" is every personal queue
    for name in [*names, ""]:
        diversions = eng.supervise(name, now=now)
        if not diversions:
            continue
        with transaction.atomic():
            for d in diversions:
                _event(
                    _DIVERSION_KIND[d.reason],
                    d.call,
                    name or (d.target if d.kind == "service" else ""),
                    position=d.position or None,
                    wait_seconds=d.wait_s,
                    data={"destination_kind": d.kind, "destination": d.target},
                )
        touched |= {name} | {d.target for d in diversions if d.kind == "service"}
        out += diversions
    if touched:
        notifier.publish(eng, services=sorted(touched - {""}))
    return out


def reconcile_reservations(*, now: float | None = None) -> list[str]:
    """Free reservations past their ring timeout (a no answer each), with history and live deltas.

    The calls are read before the engine frees them, for the service in the history row.
    """
    eng = notifier.engine()
    until = "+inf" if now is None else now * 1000
    due = [
        str(c.decode() if isinstance(c, bytes) else c)
        for c in eng.client.zrangebyscore(eng.keys.reservations, "-inf", until)
    ]
    before = {c: eng.call(c) for c in due}
    with transaction.atomic():
        freed = eng.reconcile_details(now)
        for r in freed:
            call = before.get(r.call) or eng.call(r.call)
            if call.get("kind") == "callback":
                _callback_made(call, r.call, r.agent, "no_answer", exhausted=r.callback == "exhausted")
            _event(
                AcdEventKind.NO_ANSWER,
                r.call,
                call.get("service", ""),
                r.agent,
                data={"reason": "ring_timeout"},
            )
        if freed:
            notifier.publish(
                eng,
                agents=[r.agent for r in freed],
                services=[(before.get(r.call) or {}).get("service", "") for r in freed],
            )
    return [r.call for r in freed]
