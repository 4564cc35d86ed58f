"""Load services, groups and agents into Redis from plain data (the Django side builds the dicts:
acd/services/live_config.py).

Agent live state (state, last call end, calls handled, the group it logged into) survives a
reload; only the configuration fields are rewritten. Calls waiting in a queue are never touched.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from acd.engine.keys import Keys

STRATEGIES = ("longest_idle", "round_robin", "top_down", "fewest_calls", "best_skill", "random")
DESTINATION_KINDS = ("service", "script", "device", "hangup")


def _s(value: Any) -> Any:
    return value.decode() if isinstance(value, bytes) else value


def _destination(svc: Mapping[str, Any], key: str) -> tuple[str, str]:
    """("service"|"script"|"device"|"hangup", target) or ("", "") when the service has none."""
    value = svc.get(key)
    if not value:
        return "", ""
    kind, target = value
    if kind not in DESTINATION_KINDS:
        raise ValueError(f"service {svc['name']}: {key} kind {kind!r} is not one of {DESTINATION_KINDS}")
    return str(kind), str(target or "")


def _check(svc: Mapping[str, Any]) -> None:
    if svc.get("strategy", "longest_idle") not in STRATEGIES:
        raise ValueError(f"service {svc['name']}: unknown strategy {svc['strategy']!r}; use one of {STRATEGIES}")
    if svc.get("no_answer_state", "available") not in ("available", "released"):
        raise ValueError(f"service {svc['name']}: no_answer_state is 'available' or 'released'")


def _service_fields(svc: Mapping[str, Any]) -> dict[str, Any]:
    ovf_kind, ovf_target = _destination(svc, "overflow_to")
    na_kind, na_target = _destination(svc, "no_agent_to")
    mqt = svc.get("max_queue_time") or 0
    return {
        "strategy": svc.get("strategy", "longest_idle"),
        "ring_ms": int(float(svc.get("ring_timeout", 15)) * 1000),
        "max_len": int(svc.get("max_queue_length", 0) or 0),
        "after": svc.get("no_answer_state", "available"),
        "pri": int(svc.get("priority", 0) or 0),
        "mqt_ms": int(float(mqt) * 1000) if ovf_kind else 0,
        "ovf_kind": ovf_kind,
        "ovf_target": ovf_target,
        "na_kind": na_kind,
        "na_target": na_target,
        "na_ms": int(float(svc.get("no_agent_timeout", 0) or 0) * 1000),
        "cb_aband": "1" if svc.get("callback_abandoned") else "0",
        "cb_att": int(svc.get("callback_attempts", 3) or 1),
    }


def _agent_orders(services: Sequence[Mapping[str, Any]], agents: Sequence[Mapping[str, Any]]) -> tuple[dict, dict]:
    """Per service: agent -> top_down order (group position first, then agent position) and the
    group through which the agent serves it (the Group profile field)."""
    orders: dict[str, dict[str, float]] = {svc["name"]: {} for svc in services}
    via: dict[str, dict[str, str]] = {svc["name"]: {} for svc in services}
    for idx, agent in enumerate(agents):
        for svc in services:
            for gpos, group in enumerate(svc.get("groups", [])):
                if group in agent.get("groups", []):
                    order = gpos * 1_000_000 + idx
                    prev = orders[svc["name"]].get(agent["id"])
                    if prev is None or order < prev:
                        orders[svc["name"]][agent["id"]] = order
                        via[svc["name"]][agent["id"]] = group
    return orders, via


def configure_services(
    client: Any,
    prefix: str,
    *,
    services: Iterable[Mapping[str, Any]],
    agents: Iterable[Mapping[str, Any]],
    prune: bool = False,
) -> bool:
    """Write the configuration; returns True when the live state was empty (first start, or Redis
    lost its data): the caller then restores agents and asks owners to re-publish their calls.

    services: {"name", "strategy", "ring_timeout" (s), "max_queue_length" (0 = none),
      "no_answer_state" ("available" | "released": where an agent that did not answer goes),
      "groups": [ordered], "priority" (1-10, ranks before the call's own priority),
      "max_queue_time" (s) with "overflow_to": (kind, target), "no_agent_to": (kind, target) with
      "no_agent_timeout" (s), "callback_abandoned" (bool), "callback_attempts" (per destination)}.
      kind is one of DESTINATION_KINDS; target a service name, script name or device.
    agents: {"id", "groups": [...], "skills": {skill: level}, "extension", "name"}, in agent order
      (used by top_down).
    prune: forget services and logged-out agents that are not in the lists.
    """
    k = Keys(prefix)
    services = list(services)
    agents = list(agents)
    for svc in services:
        _check(svc)
    orders, via = _agent_orders(services, agents)
    ids = [a["id"] for a in agents]
    rows = [client.hmget(k.agent(a), "state", "lgroup") for a in ids]
    live = {a: (_s(r[0]), _s(r[1])) for a, r in zip(ids, rows, strict=True)}
    names = {svc["name"] for svc in services}
    pipe = client.pipeline(transaction=True)
    fresh = bool(client.set(k.epoch, str(time.time()), nx=True))
    for svc in services:
        name = svc["name"]
        pipe.hset(k.service(name), mapping=_service_fields(svc))
        pipe.delete(k.service_agents(name), k.service_avail(name), k.service_logged(name), k.service_agent_group(name))
        if orders[name]:
            pipe.zadd(k.service_agents(name), orders[name])
            pipe.hset(k.service_agent_group(name), mapping=via[name])
        pipe.sadd(k.services, name)
    for agent in agents:
        aid = agent["id"]
        agent_services = [s["name"] for s in services if aid in orders[s["name"]]]
        by_group = {
            g: [s["name"] for s in services if g in s.get("groups", []) and aid in orders[s["name"]]]
            for g in agent.get("groups", [])
        }
        state, lgroup = live[aid]
        active = by_group.get(lgroup, agent_services) if lgroup else agent_services
        fields = {
            "groups": json.dumps(list(agent.get("groups", []))),
            "skills": json.dumps(dict(agent.get("skills", {}))),
            "services": json.dumps(agent_services),
            "gsvcs": json.dumps(by_group),
            "extension": agent.get("extension", ""),
            "name": agent.get("name", ""),
        }
        if lgroup:
            fields["active"] = json.dumps(active)
        if state is None:
            fields.update({"state": "logged_out", "code": "", "last_end": "0", "handled": "0"})
        pipe.hset(k.agent(aid), mapping=fields)
        pipe.sadd(k.agents, aid)
        for name in active:
            if state not in (None, "logged_out"):
                pipe.sadd(k.service_logged(name), aid)
            if state == "available":
                pipe.sadd(k.service_avail(name), aid)
    if prune:
        _prune(client, pipe, k, names, set(ids))
    pipe.execute()
    return fresh


def _prune(client: Any, pipe: Any, k: Keys, names: set[str], ids: set[str]) -> None:
    for raw in client.smembers(k.services):
        name = _s(raw)
        if name not in names:
            # waiting calls stay where they are (supervise() still sees them); new ones are refused
            pipe.delete(k.service(name), k.service_agents(name), k.service_agent_group(name))
            pipe.srem(k.services, name)
    for raw in client.smembers(k.agents):
        aid = _s(raw)
        if aid not in ids and _s(client.hget(k.agent(aid), "state")) in (None, "logged_out"):
            pipe.delete(k.agent(aid))
            pipe.srem(k.agents, aid)
