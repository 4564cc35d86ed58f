"""Agent actions (login, logout, ready, release, wrap-up, end wrap-up, supervisor force).

Each one: the engine changes the live state atomically in Redis (and refuses what does not fit the
state), a history row is written, and the change is published after the commit. The engine's
agent id is the agent number.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from acd import notifier
from acd.engine import AcdEngine, AcdError
from acd.models import Agent, Group, ReleaseCode, WrapUpCode
from acd.services.agent_codes import check_code
from calls.models import AcdEvent, AcdEventKind

FORCEABLE = ("logged_out", "released", "available")


class AgentStateError(Exception):
    """An action the agent's live state does not allow; the API answers HTTP 409 with `reason`."""

    def __init__(self, reason: str, code: str = "invalid_transition") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def agent_live_state(*, agent: Agent) -> dict[str, str]:
    """{"agent", "state", "code", "call"} from the live state (logged_out if the engine has no row)."""
    row = notifier.engine().agent(agent.number)
    return {
        "agent": agent.number,
        "state": row.get("state", "logged_out"),
        "code": row.get("code", ""),
        "call": row.get("call", ""),
    }


def _act(
    agent: Agent, action: str, change: Callable[[AcdEngine, str], Any], *, by: Any = None, **data: Any
) -> dict[str, str]:
    eng = notifier.engine()
    with transaction.atomic():
        try:
            reserved = change(eng, agent.number)
        except AcdError as exc:
            raise AgentStateError(exc.reason, exc.code) from None
        live = agent_live_state(agent=agent)
        details = {"action": action, "state": live["state"], **{k: v for k, v in data.items() if v not in (None, "")}}
        if by is not None:
            details["by"] = getattr(by, "username", str(by))
        if isinstance(reserved, str) and reserved:
            details["reserved_call"] = reserved  # the engine matched a waiting call at once
        AcdEvent.objects.create(kind=AcdEventKind.AGENT_STATE, agent=agent.number, data=details)
        notifier.publish(eng, agents=[agent.number])
    return live


def agent_login(*, agent: Agent, group: Group | None = None, ready: bool = False, by: Any = None) -> dict[str, str]:
    """Log in (released, or available with ready=True) to every group of the agent, or to `group`
    only: then the agent takes calls of that group's services until it logs out."""
    name = group.name if group else ""
    return _act(agent, "login", lambda e, n: e.login(n, ready=ready, group=name), by=by, group=name or None)


def agent_logout(*, agent: Agent, by: Any = None) -> dict[str, str]:
    return _act(agent, "logout", lambda e, n: e.logout(n), by=by)


def agent_ready(*, agent: Agent, by: Any = None) -> dict[str, str]:
    return _act(agent, "ready", lambda e, n: e.ready(n), by=by)


def _known(model: Any, code: str) -> None:
    try:
        check_code(model, code)
    except ValidationError as exc:
        raise AgentStateError(exc.messages[0], "unknown_code") from None


def agent_release(*, agent: Agent, code: str = "", by: Any = None) -> dict[str, str]:
    _known(ReleaseCode, code)
    return _act(agent, "release", lambda e, n: e.release(n, code), by=by, code=code)


def agent_wrap_up(*, agent: Agent, code: str = "", by: Any = None) -> dict[str, str]:
    """End the ACD call into wrap-up, or (already in wrap-up after a hang-up) just record the code."""
    _known(WrapUpCode, code)

    started = []

    def change(e: AcdEngine, n: str) -> None:
        if e.agent(n).get("state") != "wrap_up":
            e.wrap_up(n)
            started.append(n)

    live = _act(agent, "wrap_up", change, by=by, code=code)
    if started:
        start_wrap_up_timer(number=agent.number)
    return live


def agent_end_wrap_up(*, agent: Agent, by: Any = None) -> dict[str, str]:
    """wrap_up -> available. Checked here because the engine's `ready` also accepts released."""

    def change(e: AcdEngine, n: str) -> str | None:
        state = e.agent(n).get("state", "unknown")
        if state != "wrap_up":
            raise AcdError(f"end wrap-up is not allowed while the agent is {state}", "invalid_transition")
        return e.ready(n)

    return _act(agent, "end_wrap_up", change, by=by)


def agent_force_state(*, agent: Agent, state: str, code: str = "", by: Any = None) -> dict[str, str]:
    """A supervisor puts the agent in logged_out, released or available (not while on a call)."""
    if state not in FORCEABLE:
        raise AgentStateError(f"a supervisor can force {', '.join(FORCEABLE)}, not {state}", "invalid_state")
    if state == "released":
        _known(ReleaseCode, code)

    def change(e: AcdEngine, n: str) -> str | None:
        now = e.agent(n).get("state", "")
        if now == state and state != "released":
            return None
        if state == "logged_out":
            e.logout(n)
            return None
        if now == "logged_out":
            reserved = e.login(n, ready=state == "available")
            if state == "released" and code:
                e.release(n, code)
            return reserved
        if state == "released":
            e.release(n, code)
            return None
        return e.ready(n)

    return _act(agent, "force", change, by=by, target=state, code=code)


def _timer_key(eng: AcdEngine) -> str:
    return f"{eng.prefix}live:wrapup"


def start_wrap_up_timer(*, number: str) -> float | None:
    """The agent just entered wrap-up: end it after the longest wrap-up time of its groups.

    Returns the deadline (epoch s), or None when its groups give no wrap-up time (it lasts until
    the agent ends it). A new wrap-up replaces the previous deadline.
    """
    eng = notifier.engine()
    seconds = Group.objects.filter(agents__number=number).aggregate(m=Max("wrap_up_seconds"))["m"] or 0
    if not seconds:
        eng.client.zrem(_timer_key(eng), number)
        return None
    deadline = time.time() + seconds
    eng.client.zadd(_timer_key(eng), {number: deadline})
    return deadline


def end_expired_wrap_ups(*, now: float | None = None) -> list[str]:
    """Periodic job: agents whose wrap-up time is over become available; returns their numbers.

    Safe from several processes at once: ZREM claims each deadline for one of them. An agent who
    already ended wrap-up by hand is left alone.
    """
    eng = notifier.engine()
    key = _timer_key(eng)
    ended = []
    for raw in eng.client.zrangebyscore(key, "-inf", time.time() if now is None else now):
        number = raw.decode() if isinstance(raw, bytes) else str(raw)
        if not eng.client.zrem(key, number):
            continue
        agent = Agent.objects.filter(number=number).first()
        if agent is None:
            continue
        try:
            agent_end_wrap_up(agent=agent, by="wrap-up timer")
        except AgentStateError:
            continue
        ended.append(number)
    return ended
