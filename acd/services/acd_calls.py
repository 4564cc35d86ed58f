"""Call events of the ACD (queued, offered, answered, no answer, abandoned): the engine acts, a
history row is written, the change is published after the commit.

The process that owns the call (media worker, script runtime's AcdPort) calls these instead of
the engine directly, so that every change reaches history and the live feed.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from acd import notifier
from acd.engine import AcdError, EnqueueResult
from acd.models import AcdEvent, AcdEventKind
from acd.services.agent_states import start_wrap_up_timer


def _wait_s(call: Mapping[str, str], now_ms: float) -> float | None:
    entered = call.get("entered_at")
    return None if not entered else max(0.0, (now_ms - float(entered)) / 1000)


def _now_ms() -> float:
    secs, usecs = notifier.engine().client.time()
    return secs * 1000 + usecs / 1000


def _offered(call_id: str, service: str, agent: str | None) -> None:
    if agent:
        AcdEvent.objects.create(kind=AcdEventKind.OFFERED, call_id=call_id, service=service, agent=agent)


def call_queued(
    *, call_id: str, service: str, priority: int = 0, skills: Mapping[str, int] | None = None, owner: str = ""
) -> EnqueueResult:
    """Queue the call; status other than "queued" (no_agents, full, unknown_service) writes no row."""
    eng = notifier.engine()
    with transaction.atomic():
        res = eng.enqueue(call_id, service, priority=priority, skills=skills, owner=owner)
        if res.status == "queued":
            position = eng.queue_position(call_id)
            AcdEvent.objects.create(
                kind=AcdEventKind.QUEUED,
                call_id=call_id,
                service=service,
                position=position or (1 if res.agent else None),
                data={"priority": priority, "skills": dict(skills or {})},
            )
            _offered(call_id, service, res.agent)
            notifier.publish(eng, agents=[res.agent or ""], services=[service])
    return res


def call_ringing(*, call_id: str, agent: str) -> None:
    eng = notifier.engine()
    eng.ringing(call_id, agent)
    notifier.publish(eng, agents=[agent])


def call_answered(*, call_id: str, agent: str) -> None:
    eng = notifier.engine()
    with transaction.atomic():
        call = eng.call(call_id)
        eng.answered(call_id, agent)
        AcdEvent.objects.create(
            kind=AcdEventKind.ANSWERED,
            call_id=call_id,
            service=call.get("service", ""),
            agent=agent,
            wait_seconds=_wait_s(call, _now_ms()),
        )
        notifier.publish(eng, agents=[agent], services=[call.get("service", "")])


def call_no_answer(*, call_id: str, agent: str, agent_state_after: str = "released") -> None:
    """The call goes back to its place; it or the agent may be reserved again at once (offered rows)."""
    eng = notifier.engine()
    with transaction.atomic():
        service = eng.call(call_id).get("service", "")
        got, other = eng.no_answer(call_id, agent, agent_state_after)  # type: ignore[arg-type]
        AcdEvent.objects.create(
            kind=AcdEventKind.NO_ANSWER,
            call_id=call_id,
            service=service,
            agent=agent,
            data={"after": agent_state_after},
        )
        _offered(call_id, service, got)
        if other:
            _offered(other, eng.call(other).get("service", ""), agent)
        notifier.publish(eng, agents=[agent, got or ""], services=[service])


def call_hangup(*, call_id: str) -> None:
    """The call left the ACD. Waiting or reserved: an abandon, with its position and wait."""
    eng = notifier.engine()
    with transaction.atomic():
        call = eng.call(call_id)
        if not call:
            raise AcdError(f"call {call_id} is not in the ACD", "unknown_call")
        removal = eng.hangup(call_id)
        if removal.state in ("waiting", "reserved"):
            AcdEvent.objects.create(
                kind=AcdEventKind.ABANDONED,
                call_id=call_id,
                service=call.get("service", ""),
                agent=call.get("agent", ""),
                position=removal.position or None,
                wait_seconds=removal.wait_s,
            )
        notifier.publish(eng, agents=[call.get("agent", "")], services=[call.get("service", "")])
    if removal.state == "connected" and call.get("agent"):
        start_wrap_up_timer(number=call["agent"])  # the engine put the agent in wrap-up


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


def reconcile_reservations(*, now: float | None = None) -> list[str]:
    """Free reservations past their ring timeout (a no answer each), with history and live deltas.

    The agents are read before the engine frees them (the engine returns call ids only); a
    reservation that changes in between is still published correctly, since deltas carry the
    state read at publish time.
    """
    eng = notifier.engine()
    until = "+inf" if now is None else now * 1000
    due = [
        str(c.decode() if isinstance(c, bytes) else c)
        for c in eng.client.zrangebyscore(eng.keys.reservations, "-inf", until)
    ]
    before = {c: eng.call(c) for c in due}
    with transaction.atomic():
        freed = eng.reconcile(now)
        for call_id in freed:
            call = before.get(call_id) or eng.call(call_id)
            AcdEvent.objects.create(
                kind=AcdEventKind.NO_ANSWER,
                call_id=call_id,
                service=call.get("service", ""),
                agent=call.get("agent", ""),
                data={"reason": "ring_timeout"},
            )
        if freed:
            calls = [before.get(c) or eng.call(c) for c in freed]
            notifier.publish(
                eng, agents=[c.get("agent", "") for c in calls], services=[c.get("service", "") for c in calls]
            )
    return freed
