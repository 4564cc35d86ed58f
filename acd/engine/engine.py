"""The ACD engine: every event is one atomic Lua script (lua_ops.py, lua_rules.py) over the live state in Redis."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import redis

from acd.engine import lua_ops, lua_rules
from acd.engine.batch import AcdBatch
from acd.engine.errors import AcdError, from_redis_message
from acd.engine.keys import Keys
from acd.engine.results import (
    Diversion,
    EnqueueResult,
    Removal,
    Requeued,
    decode_str,
    encode_skills,
    enqueue_result,
)

AfterNoAnswer = Literal["released", "available"]


_s = decode_str


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
        self._events = client.register_script(lua_ops.EVENTS)
        self._set_priority = client.register_script(lua_rules.SET_PRIORITY)
        self._callback = client.register_script(lua_rules.CALLBACK)
        self._restore = client.register_script(lua_rules.RESTORE)
        self._supervise = client.register_script(lua_rules.SUPERVISE)

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
        agent_queue: str = "",
    ) -> EnqueueResult:
        """Queue the call and reserve an agent for it if one fits.

        priority: the call's own, 0-99 (higher first), ranked after the service's priority.
        owner: the process that owns the call; it gets messages on its stream (owner_messages()).
        agent_queue: an agent number: the call waits in that agent's personal queue.
        """
        skills_json = encode_skills(skills)
        return enqueue_result(self._run(self._enqueue, call_id, service, priority, skills_json, owner, agent_queue))

    def set_priority(self, call_id: str, priority: int) -> int:
        """Change the call's priority (0-99); a waiting call moves, keeping its time entered among
        its new peers. Returns its new position (0 when it is not waiting)."""
        return int(self._run(self._set_priority, call_id, priority))

    def request_callback(
        self,
        call_id: str,
        destinations: list[str],
        *,
        last_time: float | None = None,
        profile: Mapping[str, str] | None = None,
    ) -> int:
        """The waiting call becomes a callback at the same place: when an agent is reserved for it,
        one dial request per attempt goes to the originate stream, to destinations in order
        (callback_attempts each). The caller may hang up. Returns its position."""
        dests = [d for d in destinations if d]
        last = "" if last_time is None else str(int(last_time * 1000))
        return int(self._run(self._callback, call_id, json.dumps(dests), last, json.dumps(dict(profile or {}))))

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

    def callback_failed(self, call_id: str, agent: str) -> Requeued:
        """The dial of a callback failed (busy, no answer, wrong number): the attempt is used up,
        the callback goes back to its place (or is dropped when no attempt is left) and the agent
        reserved for it is available again."""
        res = self._run(self._call, call_id, agent, "failed", "available")
        return Requeued(call_id, agent, _s(res[0]) or None, _s(res[1]) or None, _s(res[2]) or "")

    def hangup(
        self,
        call_id: str,
        *,
        abandon_to: str = "",
        force: bool = False,
        profile: Mapping[str, str] | None = None,
    ) -> Removal:
        """The caller left (abandon) or the call ended: removed from the ACD; a reserved agent is freed.

        abandon_to: the caller's number; a waiting call of a service that calls back abandoned
        callers then stays at its place as a callback, keeping `profile` (the call profile, for the
        agent and the dialer). A callback stays until made unless `force`.
        """
        args = (call_id, abandon_to, "1" if force else "", json.dumps(dict(profile or {})))
        pos, wait_ms, state, outcome = self._run(self._hangup, *args)
        return Removal(int(pos), int(wait_ms) / 1000, _s(state), _s(outcome))

    abandon = hangup

    def restore(self, call_id: str, record: Mapping[str, Any]) -> tuple[str, str | None]:
        """Re-publish a call after Redis lost the live state, at its old place (same score).

        record: the call's hash as call() returned it before (service, score, seq, entered_at,
        skills, owner, pagent, kind, priority, callback fields, state, agent). Returns (status,
        agent reserved at once): status "restored", "exists", "unknown_service" or "unknown_agent".
        """
        res = self._run(self._restore, call_id, json.dumps(dict(record)))
        return _s(res[0]), _s(res[1]) or None

    def supervise(self, service: str | None = None, now: float | None = None) -> list[Diversion]:
        """Apply the queue rules (maximum queue time, no-agent timer, callback last time) and send
        position updates to owners. service None: every service and every personal queue, each
        in its own script call so that Redis is never blocked long."""
        now_ms = "" if now is None else str(int(now * 1000))
        names = [service] if service is not None else sorted(_s(n) for n in self.client.smembers(self.keys.services))
        if service is None:
            names.append("")
        out: list[Diversion] = []
        for name in names:
            flat = self._run(self._supervise, name, now_ms)
            for i in range(0, len(flat), 6):
                c, why, pos, wait, kind, target = flat[i : i + 6]
                out.append(Diversion(_s(c), _s(why), int(pos), int(wait) / 1000, _s(kind), _s(target)))
        return out

    # agents --------------------------------------------------------------------------------

    def login(self, agent: str, *, ready: bool = False, group: str = "") -> str | None:
        """logged_out -> released (or available with ready=True); returns a call reserved at once.

        group: take calls of that group's services only (until logout); '' for all its groups.
        """
        return _s(self._run(self._agent, "login_ready" if ready else "login", agent, "", group)) or None

    def logout(self, agent: str) -> None:
        self._run(self._agent, "logout", agent, "", "")

    def ready(self, agent: str) -> str | None:
        """released/wrap_up -> available, then the best waiting call among its services is reserved."""
        return _s(self._run(self._agent, "ready", agent, "", "")) or None

    agent_available = ready

    def release(self, agent: str, code: str = "") -> None:
        self._run(self._agent, "release", agent, code, "")

    def end_call(self, agent: str, *, wrap_up: bool = False) -> str | None:
        """on_call -> wrap_up, or available (returns the call reserved next, if any)."""
        return _s(self._run(self._end, agent, "wrap_up" if wrap_up else "available")) or None

    def wrap_up(self, agent: str) -> None:
        self.end_call(agent, wrap_up=True)

    # batches: many events in one script call (one round trip); each event is atomic on its own ------

    def batch(self) -> AcdBatch:
        """Collect events and run them in ONE script call (one round trip): see AcdBatch."""
        return AcdBatch(self)

    def ready_many(self, agents: list[str]) -> list[str | None | Exception]:
        """ready() for each agent in order; a refused one gives its typed error in its place."""
        b = self.batch()
        for a in agents:
            b.ready(a)
        return b.execute()

    def enqueue_many(self, calls: list[tuple[str, str, int, str]]) -> list[EnqueueResult | Exception]:
        """enqueue() of (call_id, service, priority, owner) in order, without required skills."""
        b = self.batch()
        for call_id, service, priority, owner in calls:
            b.enqueue(call_id, service, priority=priority, owner=owner)
        return b.execute()

    # recovery and reads --------------------------------------------------------------------

    def reconcile(self, now: float | None = None, *, limit: int = 1000) -> list[str]:
        """Free every reservation past its ring timeout (`now` in epoch seconds; default Redis time).

        Safe to run from any number of processes at once: each expiry is handled by one script.
        """
        return [r.call for r in self.reconcile_details(now, limit=limit)]

    def reconcile_details(self, now: float | None = None, *, limit: int = 1000) -> list[Requeued]:
        """reconcile(), telling for each freed call its agent and, for a callback, what became of it."""
        now_ms = "" if now is None else str(int(now * 1000))
        flat = self._run(self._reconcile, now_ms, limit)
        return [Requeued(_s(flat[i]), _s(flat[i + 1]), callback=_s(flat[i + 2]) or "") for i in range(0, len(flat), 3)]

    # messages to owners and dialers -------------------------------------------------------

    def owner_messages(
        self, owner: str, after: str = "0", *, count: int = 100, block_ms: int | None = None
    ) -> list[tuple[str, dict[str, str]]]:
        """Messages to `owner` after id `after` ('0': from the start): (id, {"type", "call", …}).

        Types: reserved (ring the agent: agent, extension, group, service, agent_queue, ring_ms),
        position (position, expected_ms, avg_wait_ms), moved (to another service: reason, from,
        service), overflowed / no_agent (route the call to kind/target).
        """
        got: Any = self.client.xread({self.keys.owner_stream(owner): after}, count=count, block=block_ms)
        return [(_s(mid), {_s(k): _s(v) for k, v in fields.items()}) for _, msgs in got or [] for mid, fields in msgs]

    def claim_originate(
        self, consumer: str, *, count: int = 1, block_ms: int | None = None, group: str = "dialers"
    ) -> list[tuple[str, dict[str, str]]]:
        """Take callback dial requests for `consumer` (each request goes to one consumer of the
        group: a callback attempt is dialled once). Acknowledge with ack_originate() once handled."""
        try:
            self.client.xgroup_create(self.keys.originate, group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        got: Any = self.client.xreadgroup(group, consumer, {self.keys.originate: ">"}, count=count, block=block_ms)
        return [(_s(mid), {_s(k): _s(v) for k, v in fields.items()}) for _, msgs in got or [] for mid, fields in msgs]

    def ack_originate(self, message_id: str, *, group: str = "dialers") -> None:
        self.client.xack(self.keys.originate, group, message_id)

    def callback_profile(self, call_id: str) -> dict[str, str]:
        """The call profile kept with a callback (for the agent's screen and the dialer); {} if none."""
        raw = self.client.hget(self.keys.call(call_id), "profile")
        return json.loads(_s(raw)) if raw else {}

    def epoch(self) -> str | None:
        """Changes when Redis lost the live state and it was configured again: owners then re-publish."""
        return _s(self.client.get(self.keys.epoch))

    def queue_info(self, call_id: str) -> dict[str, Any]:
        """What the call profile shows of a call in the ACD: position (0 unless waiting), the
        service's average wait of answered calls (s, None before the first answer), the time it
        entered (epoch s) and the expected wait at its position (s, None while unknown)."""
        call = self.call(call_id)
        if not call:
            return {}
        queue = self.keys.personal_queue(call["pagent"]) if call.get("pagent") else self.keys.queue(call["service"])
        rank: Any = self.client.zrank(queue, call_id)
        avg_wait, avg_gap = self.client.hmget(self.keys.service(call["service"]), "avg_wait", "avg_gap")
        position = 0 if rank is None else int(rank) + 1
        return {
            "service": call["service"],
            "position": position,
            "average_wait_s": None if avg_wait is None else int(avg_wait) / 1000,
            "expected_wait_s": None if avg_gap is None or not position else position * int(avg_gap) / 1000,
            "entered_at": int(call["entered_at"]) / 1000,
        }

    def queue_position(self, call_id: str) -> int | None:
        """1-based position among the calls waiting in its queue, None if not waiting."""
        service, pagent = (_s(v) for v in self.client.hmget(self.keys.call(call_id), "service", "pagent"))
        if service is None:
            return None
        queue = self.keys.personal_queue(pagent) if pagent else self.keys.queue(service)
        rank: Any = self.client.zrank(queue, call_id)
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


__all__ = ["AcdEngine", "AcdError", "Diversion", "EnqueueResult", "Removal", "Requeued"]
