"""The ACD engine: every event is one atomic Lua script (lua_ops.py) over the live state in Redis."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import redis

from acd.engine import lua_ops
from acd.engine.errors import AcdError, from_redis_message
from acd.engine.keys import Keys

AfterNoAnswer = Literal["released", "available"]


@dataclass(frozen=True)
class EnqueueResult:
    """status: "queued" | "no_agents" | "full" | "unknown_service"; agent: reserved at once, if any."""

    status: str
    agent: str | None = None


@dataclass(frozen=True)
class Removal:
    """What history needs of a call that left the ACD: its position (1-based; 0 if it was not waiting)."""

    position: int
    wait_s: float
    state: str


def _s(value: Any) -> Any:
    return value.decode() if isinstance(value, bytes) else value


class AcdEngine:
    """Live queues and agents shared by every process through Redis."""

    def __init__(self, client: redis.Redis, prefix: str = "ccweb:acd:") -> None:
        self.client = client
        self.prefix = prefix
        self.keys = Keys(prefix)
        self._enqueue = client.register_script(lua_ops.ENQUEUE)
        self._agent = client.register_script(lua_ops.AGENT_ACTION)
        self._call = client.register_script(lua_ops.CALL_ACTION)
        self._hangup = client.register_script(lua_ops.HANGUP)
        self._end = client.register_script(lua_ops.END_CALL)
        self._reconcile = client.register_script(lua_ops.RECONCILE)
        self._ready_batch = client.register_script(lua_ops.READY_BATCH)
        self._enqueue_batch = client.register_script(lua_ops.ENQUEUE_BATCH)

    def _run(self, script: Any, *args: Any) -> Any:
        try:
            return script(keys=[], args=[self.prefix, *args])
        except redis.ResponseError as exc:
            typed = from_redis_message(str(exc))
            if typed is None:
                raise
            raise typed from None

    # calls ---------------------------------------------------------------------------------

    def enqueue(
        self,
        call_id: str,
        service: str,
        *,
        priority: int = 0,
        skills: Mapping[str, int] | None = None,
        owner: str = "",
    ) -> EnqueueResult:
        """Queue the call (priority 0–999, higher first) and reserve an agent for it if one fits."""
        skills_json = json.dumps(dict(skills), sort_keys=True) if skills else "{}"
        res = self._run(self._enqueue, call_id, service, priority, skills_json, owner)
        return EnqueueResult(_s(res[0]), _s(res[1]) if len(res) > 1 and res[1] else None)

    def ringing(self, call_id: str, agent: str) -> None:
        """The owner started ringing the reserved agent."""
        self._run(self._call, call_id, agent, "ringing", "")

    def answered(self, call_id: str, agent: str) -> None:
        """The agent answered: call connected (out of the queue), agent on_call."""
        self._run(self._call, call_id, agent, "answered", "")

    def no_answer(
        self, call_id: str, agent: str, agent_state_after: AfterNoAnswer = "released"
    ) -> tuple[str | None, str | None]:
        """The call goes back to its place; returns (agent now reserved for it, call now reserved for `agent`)."""
        if agent_state_after not in ("released", "available"):
            raise ValueError("agent_state_after is 'released' or 'available'")
        res = self._run(self._call, call_id, agent, "no_answer", agent_state_after)
        return _s(res[0]) or None, _s(res[1]) or None

    def hangup(self, call_id: str) -> Removal:
        """The caller left (abandon) or the call ended: removed from the ACD; a reserved agent is freed."""
        pos, wait_ms, state = self._run(self._hangup, call_id)
        return Removal(int(pos), int(wait_ms) / 1000, _s(state))

    abandon = hangup

    # agents --------------------------------------------------------------------------------

    def login(self, agent: str, *, ready: bool = False) -> str | None:
        """logged_out -> released (or available with ready=True); returns a call reserved at once."""
        return _s(self._run(self._agent, "login_ready" if ready else "login", agent, "")) or None

    def logout(self, agent: str) -> None:
        self._run(self._agent, "logout", agent, "")

    def ready(self, agent: str) -> str | None:
        """released/wrap_up -> available, then the best waiting call among its services is reserved."""
        return _s(self._run(self._agent, "ready", agent, "")) or None

    agent_available = ready

    def release(self, agent: str, code: str = "") -> None:
        self._run(self._agent, "release", agent, code)

    def end_call(self, agent: str, *, wrap_up: bool = False) -> str | None:
        """on_call -> wrap_up, or available (returns the call reserved next, if any)."""
        return _s(self._run(self._end, agent, "wrap_up" if wrap_up else "available")) or None

    def wrap_up(self, agent: str) -> None:
        self.end_call(agent, wrap_up=True)

    # batches: many events in one script call (one round trip); each event is atomic on its own ------

    def _batch_error(self, item: Any) -> Exception | None:
        text = _s(item)
        if isinstance(text, str) and text.startswith("!"):
            return from_redis_message(text[1:]) or AcdError(text[1:])
        return None

    def ready_many(self, agents: list[str]) -> list[str | None | Exception]:
        """ready() for each agent in order; a refused one gives its typed error in its place."""
        if not agents:
            return []
        res = self._run(self._ready_batch, *agents)
        return [self._batch_error(r) or (_s(r) or None) for r in res]

    def enqueue_many(self, calls: list[tuple[str, str, int]]) -> list[EnqueueResult | Exception]:
        """enqueue() of (call_id, service, priority) triples, without required skills, in order."""
        if not calls:
            return []
        res = self._run(self._enqueue_batch, *[x for triple in calls for x in triple])
        out: list[EnqueueResult | Exception] = []
        for status, agent in zip(res[::2], res[1::2], strict=True):
            err = self._batch_error(status)
            out.append(err or EnqueueResult(_s(status), _s(agent) or None))
        return out

    # recovery and reads --------------------------------------------------------------------

    def reconcile(self, now: float | None = None, *, limit: int = 1000) -> list[str]:
        """Free every reservation past its ring timeout (`now` in epoch seconds; default Redis time).

        Safe to run from any number of processes at once: each expiry is handled by one script.
        """
        now_ms = "" if now is None else str(int(now * 1000))
        return [_s(c) for c in self._run(self._reconcile, now_ms, limit)]

    def queue_position(self, call_id: str) -> int | None:
        """1-based position among the calls waiting in its service, None if not waiting."""
        service = _s(self.client.hget(self.keys.call(call_id), "service"))
        if service is None:
            return None
        rank: Any = self.client.zrank(self.keys.queue(service), call_id)
        return None if rank is None else int(rank) + 1

    def queue_length(self, service: str) -> int:
        return int(self.client.zcard(self.keys.queue(service)))

    def agent(self, agent: str) -> dict[str, str]:
        """The agent's live hash (state, code, call, last_end, handled, …)."""
        return {_s(k): _s(v) for k, v in self.client.hgetall(self.keys.agent(agent)).items()}

    def call(self, call_id: str) -> dict[str, str]:
        """The call's live hash (service, priority, score, state, agent, expires, …); {} when gone."""
        return {_s(k): _s(v) for k, v in self.client.hgetall(self.keys.call(call_id)).items()}

    def waiting(self, service: str) -> list[str]:
        """Waiting call ids in service order."""
        return [_s(c) for c in self.client.zrange(self.keys.queue(service), 0, -1)]

    def clear(self) -> None:
        """Delete every key under the prefix (tests, demo resets)."""
        for batch in self._scan_batches():
            self.client.delete(*batch)

    def _scan_batches(self) -> Any:
        batch = []
        for key in self.client.scan_iter(match=f"{self.prefix}*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                yield batch
                batch = []
        if batch:
            yield batch


__all__ = ["AcdEngine", "AcdError", "EnqueueResult", "Removal"]
