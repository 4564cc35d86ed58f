"""The one module that talks to the channel layer: live ACD deltas to per-service, per-agent and
wallboard groups, plus the snapshots a client starts from.

Groups (logical names; the channel layer gets them behind ACD_LIVE_GROUP_PREFIX):
  "wallboard"        every agent and every service queue
  "svc.<service>"    the service's agents and its waiting calls
  "agent.<number>"   one agent's row

Every delta carries the next value of a per-group Redis counter. The counter INCR and the reads
that fill the delta run in ONE MULTI/EXEC, as does the snapshot's GET of the counter with its
reads: so a higher seq is never older data, and "stale snapshot + later deltas == fresh snapshot"
holds even when several processes publish at once (see acd/live/feed.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import threading
from collections.abc import Coroutine, Iterable
from functools import lru_cache
from typing import Any

import redis
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from acd.engine import AcdEngine
from acd.live import empty_snapshot
from acd.live.feed import Delta, Snapshot

WALLBOARD = "wallboard"
_SAFE = re.compile(r"^[A-Za-z0-9_.\-]{1,60}$")


def service_group(service: str) -> str:
    return f"svc.{service}"


def agent_group(number: str) -> str:
    return f"agent.{number}"


def user_group(user_id: int) -> str:
    """Every socket of one user: told when the user is deactivated or their role changes."""
    return f"user.{user_id}"


def session_group(session_key: str) -> str:
    """Every socket of one login session: closed when that session logs out."""
    return f"session.{session_key}"


def channel_group(group: str) -> str:
    """The channel layer's name for a logical group (ASCII, < 100 chars; other names are hashed)."""
    prefix = getattr(settings, "ACD_LIVE_GROUP_PREFIX", "ccweb.acd.")
    if not _SAFE.match(group):
        group = "h" + hashlib.sha1(group.encode()).hexdigest()
    return prefix + group


@lru_cache(maxsize=8)
def _engine(url: str, prefix: str) -> AcdEngine:
    return AcdEngine(redis.Redis.from_url(url), prefix)


def engine() -> AcdEngine:
    """The process's engine on settings.REDIS_URL / ACD_REDIS_PREFIX (read at call time, for tests)."""
    return _engine(settings.REDIS_URL, getattr(settings, "ACD_REDIS_PREFIX", "ccweb:acd:"))


def _seq_key(eng: AcdEngine, group: str) -> str:
    return f"{eng.prefix}live:seq:{group}"


def _s(v: Any) -> Any:
    return v.decode() if isinstance(v, bytes) else v


def _row(raw: dict[Any, Any], personal: list[Any]) -> dict[str, Any] | None:
    """The public part of the engine's agent hash and the calls waiting in its personal queue;
    None when the agent is not configured."""
    h = {_s(k): _s(v) for k, v in raw.items()}
    if not h:
        return None
    return {
        "state": h.get("state", ""),
        "code": h.get("code", ""),
        "call": h.get("call", ""),
        "since": int(h.get("since") or 0),  # ms since the epoch when the agent entered `state` (0: unknown)
        "personal": [_s(c) for c in personal],
    }


def _agent_services(eng: AcdEngine, number: str) -> list[str]:
    raw = eng.client.hget(eng.keys.agent(number), "services")
    return json.loads(_s(raw)) if raw else []


def _scan_names(eng: AcdEngine, pattern: str, strip: str) -> list[str]:
    names = {_s(k)[len(strip) :] for k in eng.client.scan_iter(match=pattern, count=1000)}
    return sorted(n for n in names if ":" not in n)


def snapshot(eng: AcdEngine, group: str) -> Snapshot:
    """The group's live state and the seq it is current at."""
    if group == WALLBOARD:
        agents = _scan_names(eng, f"{eng.prefix}agent:*", f"{eng.prefix}agent:")
        services = _scan_names(eng, f"{eng.prefix}svc:*", f"{eng.prefix}svc:")
    elif group.startswith("svc."):
        services = [group[4:]]
        agents = [_s(a) for a in eng.client.zrange(eng.keys.service_agents(services[0]), 0, -1)]
    elif group.startswith("agent."):
        agents, services = [group[6:]], []
    else:
        raise ValueError(f"unknown live group {group!r}")
    pipe = eng.client.pipeline(transaction=True)
    pipe.get(_seq_key(eng, group))
    for a in agents:
        pipe.hgetall(eng.keys.agent(a))
        pipe.zrange(eng.keys.personal_queue(a), 0, -1)
    for s in services:
        pipe.zrange(eng.keys.queue(s), 0, -1)
    res = pipe.execute()
    snap = empty_snapshot(group, int(res[0] or 0))
    n = 2 * len(agents)
    for i, a in enumerate(agents):
        row = _row(res[1 + 2 * i], res[2 + 2 * i])
        if row is not None:
            snap["agents"][a] = row
    for s, ids in zip(services, res[1 + n :], strict=True):
        snap["queues"][s] = [_s(c) for c in ids]
    return snap


def build_deltas(eng: AcdEngine, *, agents: Iterable[str] = (), services: Iterable[str] = ()) -> list[Delta]:
    """Allocate seqs and read the changed rows atomically; one delta per group that sees a change.

    An agent's services are always included: its action may take a call off their queues.
    """
    agents = sorted({a for a in agents if a})
    in_services = {a: _agent_services(eng, a) for a in agents}
    svc_set = {s for s in services if s}
    for names in in_services.values():
        svc_set.update(names)
    svcs = sorted(svc_set)
    groups = [WALLBOARD] + [service_group(s) for s in svcs] + [agent_group(a) for a in agents]
    pipe = eng.client.pipeline(transaction=True)
    for g in groups:
        pipe.incr(_seq_key(eng, g))
    for a in agents:
        pipe.hgetall(eng.keys.agent(a))
        pipe.zrange(eng.keys.personal_queue(a), 0, -1)
    for s in svcs:
        pipe.zrange(eng.keys.queue(s), 0, -1)
    res = pipe.execute()
    ng, na = len(groups), 2 * len(agents)
    seqs = dict(zip(groups, res[:ng], strict=True))
    rows = {a: _row(res[ng + 2 * i], res[ng + 2 * i + 1]) for i, a in enumerate(agents)}
    queues = {s: [_s(c) for c in ids] for s, ids in zip(svcs, res[ng + na :], strict=True)}
    deltas = [{"group": WALLBOARD, "seq": int(seqs[WALLBOARD]), "agents": rows, "queues": queues}]
    for s in svcs:
        members = {a: rows[a] for a in agents if s in in_services[a]}
        deltas.append(
            {"group": service_group(s), "seq": int(seqs[service_group(s)]), "agents": members, "queues": {s: queues[s]}}
        )
    for a in agents:
        deltas.append({"group": agent_group(a), "seq": int(seqs[agent_group(a)]), "agents": {a: rows[a]}, "queues": {}})
    return deltas


_sender: tuple[int, asyncio.AbstractEventLoop] | None = None
_sender_lock = threading.Lock()
SEND_TIMEOUT_S = 10.0


def _sender_loop() -> asyncio.AbstractEventLoop:
    """One event loop per process, in a daemon thread, for every channel-layer send from sync code.

    Why not async_to_sync: it starts a thread and a loop per call (about 3 ms each, measured by
    bench/desktop_latency.py), and the channel layer's Redis connections belong to a loop, so a loop that
    lives keeps them open. Recreated in a forked child, which has none of its parent's threads.
    """
    global _sender
    with _sender_lock:
        if _sender is None or _sender[0] != os.getpid() or _sender[1].is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="channel-layer-sender", daemon=True).start()
            _sender = (os.getpid(), loop)
        return _sender[1]


def run_send(coro: Coroutine[Any, Any, None]) -> None:
    """Run a channel-layer coroutine from sync code and wait for it (errors are raised here)."""
    asyncio.run_coroutine_threadsafe(coro, _sender_loop()).result(timeout=SEND_TIMEOUT_S)


def send(deltas: list[Delta]) -> None:
    """group_send each delta (consumers get {"type": "acd.delta", "delta": …})."""
    layer = get_channel_layer()
    if layer is None or not deltas:
        return

    async def _send_all() -> None:
        for d in deltas:
            await layer.group_send(channel_group(d["group"]), {"type": "acd.delta", "delta": d})

    run_send(_send_all())


def publish(eng: AcdEngine, *, agents: Iterable[str] = (), services: Iterable[str] = ()) -> None:
    """Publish the current rows of `agents` and queues of `services` once the transaction commits.

    Outside a transaction on_commit runs at once; inside one, a rollback publishes nothing.
    """
    agents, services = list(agents), list(services)
    transaction.on_commit(lambda: send(build_deltas(eng, agents=agents, services=services)))


POP_TTL_S = 4 * 3600  # a pop outlives any call; the desktop shows it only while it is the agent's call


def _pop_key(eng: AcdEngine, call_id: str) -> str:
    return f"{eng.prefix}live:pop:{call_id}"


def send_pop(eng: AcdEngine, pop: dict[str, Any]) -> None:
    """Keep the screen pop of an offered call and send it to its agent's feed ({"type": "acd.pop"})."""
    eng.client.set(_pop_key(eng, str(pop["call"])), json.dumps(pop), ex=POP_TTL_S)
    layer = get_channel_layer()
    if layer is not None:
        group = channel_group(agent_group(str(pop["agent"])))
        run_send(layer.group_send(group, {"type": "acd.pop", "pop": pop}))


def current_pop(eng: AcdEngine, number: str) -> dict[str, Any] | None:
    """The pop of the call the agent is reserved for or connected to, if it has one."""
    call = _s(eng.client.hget(eng.keys.agent(number), "call"))
    raw = eng.client.get(_pop_key(eng, call)) if call else None
    return json.loads(raw) if raw else None


def tell_sockets(group: str, kind: str, reason: str) -> None:
    """After the transaction commits, tell the sockets of `group` (user_group, session_group) that their
    access changed: `kind` "access.revoked" closes them, "access.changed" makes them check again."""

    def _send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            run_send(layer.group_send(channel_group(group), {"type": kind, "reason": reason}))

    transaction.on_commit(_send)


CTI = "cti"


def cti_group(service: str = "") -> str:
    """The CTI stream (acd.cti): "cti" every call's events, "cti.svc.<service>" one service's."""
    return f"{CTI}.svc.{service}" if service else CTI


def send_cti(payload: dict[str, Any]) -> None:
    """Send a CTI event to the whole stream and to its service's ({"type": "cti.event"}); blocking, so the
    CTI dispatcher thread calls it, never a call's own path (acd.cti.publish)."""
    layer = get_channel_layer()
    if layer is None:
        return
    groups = [cti_group()] + ([cti_group(str(payload["service"]))] if payload.get("service") else [])

    async def _send_all() -> None:
        for group in groups:
            await layer.group_send(channel_group(group), {"type": "cti.event", "event": payload})

    run_send(_send_all())


async def subscribe(group: str, channel_name: str) -> None:
    layer = get_channel_layer()
    await layer.group_add(channel_group(group), channel_name)


async def unsubscribe(group: str, channel_name: str) -> None:
    layer = get_channel_layer()
    await layer.group_discard(channel_group(group), channel_name)
