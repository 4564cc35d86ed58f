"""Load services, groups and agents into Redis from plain data (the Django side builds the dicts).

Agent live state (state, last call end, calls handled) survives a reload; only the
configuration fields are rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from acd.engine.keys import Keys

STRATEGIES = ("longest_idle", "round_robin", "top_down", "fewest_calls", "best_skill", "random")


def configure_services(
    client: Any,
    prefix: str,
    *,
    services: Iterable[Mapping[str, Any]],
    agents: Iterable[Mapping[str, Any]],
) -> None:
    """services: {"name", "strategy", "ring_timeout" (s), "max_queue_length" (0 = none),
    "no_answer_state" ("available" | "released": where reconcile sends an agent whose reservation expired),
    "groups": [ordered]}.
    agents: {"id", "groups": [...], "skills": {skill: level}}, in agent order (used by top_down).
    """
    k = Keys(prefix)
    services = list(services)
    agents = list(agents)
    for svc in services:
        if svc.get("strategy", "longest_idle") not in STRATEGIES:
            raise ValueError(f"service {svc['name']}: unknown strategy {svc['strategy']!r}; use one of {STRATEGIES}")
        if svc.get("no_answer_state", "available") not in ("available", "released"):
            raise ValueError(f"service {svc['name']}: no_answer_state is 'available' or 'released'")
    # top_down order: group position first, then the agent's position in the list
    orders: dict[str, dict[str, float]] = {svc["name"]: {} for svc in services}
    for idx, agent in enumerate(agents):
        for svc in services:
            for gpos, group in enumerate(svc.get("groups", [])):
                if group in agent.get("groups", []):
                    order = gpos * 1_000_000 + idx
                    prev = orders[svc["name"]].get(agent["id"])
                    orders[svc["name"]][agent["id"]] = order if prev is None else min(prev, order)
    states = {}
    for agent in agents:
        states[agent["id"]] = client.hget(k.agent(agent["id"]), "state")
    pipe = client.pipeline(transaction=True)
    for svc in services:
        name = svc["name"]
        pipe.hset(
            k.service(name),
            mapping={
                "strategy": svc.get("strategy", "longest_idle"),
                "ring_ms": int(float(svc.get("ring_timeout", 15)) * 1000),
                "max_len": int(svc.get("max_queue_length", 0)),
                "after": svc.get("no_answer_state", "available"),
            },
        )
        pipe.delete(k.service_agents(name), k.service_avail(name), k.service_logged(name))
        if orders[name]:
            pipe.zadd(k.service_agents(name), orders[name])
    for agent in agents:
        aid = agent["id"]
        agent_services = [s["name"] for s in services if aid in orders[s["name"]]]
        fields = {
            "groups": json.dumps(list(agent.get("groups", []))),
            "skills": json.dumps(dict(agent.get("skills", {}))),
            "services": json.dumps(agent_services),
        }
        state = states[aid]
        if state is None:
            fields.update({"state": "logged_out", "code": "", "last_end": "0", "handled": "0"})
        pipe.hset(k.agent(aid), mapping=fields)
        state = state.decode() if isinstance(state, bytes) else state
        for name in agent_services:
            if state not in (None, "logged_out"):
                pipe.sadd(k.service_logged(name), aid)
            if state == "available":
                pipe.sadd(k.service_avail(name), aid)
    pipe.execute()
