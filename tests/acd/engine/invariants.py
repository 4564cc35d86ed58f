"""Invariants of the live ACD state, read back from Redis (used by the state-machine test).

Each reservation records the global sequence number at which it was made (reserved_seq), each
waiting call the number since which it waits (waiting_seq) and each available agent the number
since which it is available (avail_seq), so FIFO and the strategy rules can be checked afterwards.
"""

from __future__ import annotations

import json

BUSY = {"reserved": ("reserved", "ringing"), "connected": ("on_call",)}


def _eligible(agent: dict, call: dict) -> bool:
    if call.get("pagent"):
        return True  # a personal-queue call needs no skill: it waits for that agent only
    have = json.loads(agent["skills"])
    return all(have.get(k, 0) >= v for k, v in json.loads(call["skills"]).items())


def _key(strategy: str, agent: dict, call: dict, order: float, connected: bool) -> tuple:
    if strategy == "longest_idle":
        return (int(agent["last_end"]), order)
    if strategy == "fewest_calls":
        # answered() counted the call already; compare with the count at reservation time
        return (int(agent["handled"]) - (1 if connected else 0), order)
    if strategy == "top_down":
        return (order,)
    if strategy == "best_skill":
        have = json.loads(agent["skills"])
        return (-sum(have[k] for k in json.loads(call["skills"])), order)
    return ()  # round_robin, random: only eligibility is checked


def check(eng, client, calls: list[str], agents: list[str], services: dict[str, str]) -> None:
    k = eng.keys
    A = {a: eng.agent(a) for a in agents}
    C = {c: v for c in calls if (v := eng.call(c))}

    def zset(key: str) -> dict[str, float]:
        return {m.decode(): sc for m, sc in client.zrange(key, 0, -1, withscores=True)}

    orders = {s: zset(k.service_agents(s)) for s in services}
    queues = {s: zset(k.queue(s)) for s in services}
    personal = {a: zset(k.personal_queue(a)) for a in agents}

    def queue_of(call: dict) -> dict[str, float]:
        return personal[call["pagent"]] if call.get("pagent") else queues[call["service"]]

    def serves(a: str, call: dict) -> bool:
        """Could agent `a` take this call (ignoring skills)?"""
        if call.get("pagent"):
            return call["pagent"] == a
        return a in orders[call["service"]]

    # one call per agent, one agent per call, and both sides agree
    holders: dict[str, str] = {}
    for cid, call in C.items():
        state = call["state"]
        in_queue = cid in queue_of(call)
        assert in_queue == (state == "waiting"), (cid, state, in_queue)
        if state == "waiting":
            assert queue_of(call)[cid] == float(call["score"]), cid
            continue
        agent = call["agent"]
        assert agent not in holders, f"agent {agent} holds {holders.get(agent)} and {cid}"
        holders[agent] = cid
        assert A[agent]["state"] in BUSY[state], (cid, state, agent, A[agent]["state"])
        assert A[agent].get("call") == cid, (cid, agent, A[agent].get("call"))
    for a, agent in A.items():
        if agent["state"] in ("reserved", "ringing", "on_call"):
            assert holders.get(a) == agent.get("call"), (a, agent)
        for s in json.loads(agent["services"]):
            avail = client.sismember(k.service_avail(s), a)
            assert bool(avail) == (agent["state"] == "available"), (a, s, agent["state"])

    for cid, call in C.items():
        s = call["service"]
        if call["state"] == "waiting":
            # nobody who could take a waiting call is idle
            for a, agent in A.items():
                if agent["state"] == "available" and serves(a, call):
                    assert not _eligible(agent, call), f"{cid} waits while {a} is available"
            continue
        a, rseq, score = call["agent"], int(call["reserved_seq"]), float(call["score"])
        # FIFO: no better call, waiting since before this reservation, that this agent could take
        for other_id, other in C.items():
            if other["state"] != "waiting" or int(other["waiting_seq"]) >= rseq:
                continue
            if serves(a, other) and _eligible(A[a], other):
                assert float(other["score"]) > score, f"{a} took {cid} while {other_id} waited ahead"
        if call.get("pagent"):
            continue  # a personal-queue call has one agent: no strategy to check
        # strategy: no eligible agent, available since before the reservation, with a better key
        strategy = services[s]
        mine = _key(strategy, A[a], call, orders[s][a], call["state"] == "connected")
        for b, agent in A.items():
            if b == a or agent["state"] != "available" or b not in orders[s]:
                continue
            if int(agent["avail_seq"]) >= rseq or not _eligible(agent, call):
                continue
            assert call["trigger"] != "agent", f"{cid} waited for {a} while {b} was available"
            theirs = _key(strategy, agent, call, orders[s][b], False)
            assert mine <= theirs, f"{strategy}: {cid} went to {a} {mine} over {b} {theirs}"
