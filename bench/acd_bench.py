#!/usr/bin/env python
"""Routing decisions of the ACD engine (acd/engine) with 10,000 waiting calls and 1,000 agents.

50 services (strategies in turn), 100 groups, 1,000 agents in 2 groups each with 2–3 of 5 skills;
a fifth of the calls require a skill. A decision is one atomic Lua script that also tries to match:
  enqueue    a call enters a service (match against the available agents, by the service's strategy)
  ready      an agent becomes available (match against the waiting calls of all its services)
Phases: fill the queues (10,000 enqueue decisions, every agent released); steady state (an agent
becomes ready and takes the best call, answers, wraps up, a new call arrives, so 10,000 stay
waiting); then every agent available and 10,000 calls arriving (the strategy scan on each).
Concurrent phases (the ACD serving load): --clients processes at once (default one per core, as
the media worker pool: media workers owning their calls, owner mw<n>, and the sessions of their
agents) for --seconds each: agents ready -> answered -> end_call (wrap-up) -> ready, and one new
call per call taken. Three ways of sending the same events: one event per round trip; pipelines
of up to --pipeline events (each its own EVALSHA); and the same events in ONE EVENTS script call
(AcdEngine.batch(): an owner sends the events of the same moment together; each event is still
atomic on its own).
RESULT is the EVENTS phase: decisions (ready + enqueue only) / the phase's wall time (which
includes the answered/end_call events and the owner-stream reads); p50/p99 are per decision, the
round trip of the call that carried it. Also batches (ready_many/enqueue_many) from one client.
Baseline in the same run: a Redis PING round trip, and the server-side time per script (INFO
commandstats), which bounds what more clients or pipelining could reach.

Needs Redis at 127.0.0.1:6379 (db 15, keys under a random prefix, deleted at the end).
Usage: .venv/bin/python bench/acd_bench.py [--calls 10000] [--agents 1000] [--services 50] [--seed 1]
"""

import argparse
import os
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis  # noqa: E402
from _acd_load import SKILLS, call_skills, concurrent  # noqa: E402
from _stats import percentile, progress  # noqa: E402  (bench/ is on sys.path when run as a script)

from acd.engine import STRATEGIES, AcdEngine, configure_services  # noqa: E402


def summary(label: str, samples: list[float]) -> str:
    total = sum(samples) / 1000
    return (
        f"{label:<28} n={len(samples):>6}  {len(samples) / total:>9.0f}/s  "
        f"p50={percentile(samples, 0.5):.3f} ms  p99={percentile(samples, 0.99):.3f} ms  "
        f"max={max(samples):.3f} ms"
    )


def server_us(client: redis.Redis) -> float:
    """Mean server-side time of the scripts run since the last call (Lua work, without the network)."""
    us = float(client.info("commandstats").get("cmdstat_evalsha", {}).get("usec_per_call", 0.0))
    client.config_resetstat()
    return us


def timed(samples: list[float], fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    samples.append((time.perf_counter() - t0) * 1000)
    return out


def build(rng: random.Random, n_services: int, n_agents: int) -> tuple[list[dict], list[dict]]:
    services = [
        {
            "name": f"s{i}",
            "strategy": STRATEGIES[i % len(STRATEGIES)],
            "ring_timeout": 20,
            "groups": [f"g{2 * i}", f"g{2 * i + 1}"],
        }
        for i in range(n_services)
    ]
    n_groups = 2 * n_services
    agents = [
        {
            "id": f"a{i}",
            "groups": [f"g{g}" for g in rng.sample(range(n_groups), 2)],
            "skills": {s: rng.randint(1, 10) for s in rng.sample(SKILLS, rng.randint(2, 3))},
        }
        for i in range(n_agents)
    ]
    return services, agents


def settle(eng: AcdEngine, ids: list[str]) -> None:
    """Every agent released or in wrap-up (calls reserved or connected are answered and ended)."""
    for a in ids:
        h = eng.agent(a)
        if h["state"] in ("reserved", "ringing"):
            eng.answered(h["call"], a)
            h["state"] = "on_call"
        if h["state"] == "on_call":
            eng.end_call(a, wrap_up=True)
        elif h["state"] == "available":
            eng.release(a, "idle")


def batched(eng: AcdEngine, ids: list[str], names: list[str], batch: int, rounds: int, rng) -> tuple:
    """One client, `batch` agents ready in one script call, then `batch` new calls in one script call.

    Each event is atomic (the whole batch is, in fact); a decision's latency is its batch's round trip.
    """
    decisions = 0
    latencies: list[float] = []
    seq = 0
    t0 = time.perf_counter()
    for r in range(rounds):
        agents = [ids[(r * batch + i) % len(ids)] for i in range(batch)]
        t = time.perf_counter()
        got = eng.ready_many(agents)
        latencies += [(time.perf_counter() - t) * 1000] * batch
        pipe = eng.client.pipeline(transaction=False)
        for a, call in zip(agents, got, strict=True):
            if isinstance(call, str):
                eng._call(keys=[], args=[eng.prefix, call, a, "answered", ""], client=pipe)
                eng._end(keys=[], args=[eng.prefix, a, "wrap_up"], client=pipe)
            elif call is None:
                eng._agent(keys=[], args=[eng.prefix, "release", a, "idle"], client=pipe)
        pipe.execute()
        t = time.perf_counter()
        eng.enqueue_many([(f"b{r}-{i}", rng.choice(names), rng.randint(0, 3), "bench-batch") for i in range(batch)])
        latencies += [(time.perf_counter() - t) * 1000] * batch
        decisions += 2 * batch
        seq += batch
        progress(f"batch {batch}", r + 1, rounds)
    return decisions, time.perf_counter() - t0, latencies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=10_000)
    ap.add_argument("--agents", type=int, default=1_000)
    ap.add_argument("--services", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--clients",
        type=int,
        default=os.cpu_count() or 2,
        help="client processes in the concurrent phases (default: one per core, as the media worker pool)",
    )
    ap.add_argument("--seconds", type=float, default=5.0, help="length of each concurrent phase")
    ap.add_argument("--pipeline", type=int, default=16, help="events per round trip in the concurrent phases")
    ap.add_argument("--batch", type=int, default=50, help="events per script call in the batched phase")
    opts = ap.parse_args()
    rng = random.Random(opts.seed)
    client = redis.Redis(host="127.0.0.1", port=6379, db=15)
    prefix = f"ccweb:bench:{uuid.uuid4()}:"
    eng = AcdEngine(client, prefix)
    services, agents = build(rng, opts.services, opts.agents)
    names = [s["name"] for s in services]
    ids = [a["id"] for a in agents]
    try:
        configure_services(client, prefix, services=services, agents=agents)
        ping: list[float] = []
        for i in range(5000):
            timed(ping, client.ping)
            if i % 500 == 499:
                progress("ping", i + 1, 5000)
        for a in ids:
            eng.login(a)
        client.config_resetstat()

        fill: list[float] = []
        seq = 0
        for i in range(opts.calls):
            timed(fill, eng.enqueue, f"c{seq}", rng.choice(names), priority=rng.randint(0, 3), skills=call_skills(rng))
            seq += 1
            if i % 500 == 499 or i == opts.calls - 1:
                progress("fill", i + 1, opts.calls)

        lua = {"fill": server_us(client)}
        ready: list[float] = []
        arrive: list[float] = []
        other: list[float] = []
        taken = 0
        steady = opts.calls
        for i in range(steady):
            a = ids[i % len(ids)]
            call = timed(ready, eng.ready, a)
            if call:
                taken += 1
                timed(other, eng.answered, call, a)
                timed(other, eng.end_call, a, wrap_up=True)
            else:
                eng.release(a, "idle")
            pri = rng.randint(0, 3)
            timed(arrive, eng.enqueue, f"c{seq}", rng.choice(names), priority=pri, skills=call_skills(rng))
            seq += 1
            if i % 500 == 499 or i == steady - 1:
                progress("steady", i + 1, steady)
        lua["steady (ready+enqueue+answered+end_call)"] = server_us(client)
        waiting_after = sum(eng.queue_length(s) for s in names)
        settle(eng, ids)  # every agent released or in wrap-up: the concurrent phases make them ready
        server_us(client)
        phases = {}
        for mode, depth in (("pipeline", 1), ("pipeline", opts.pipeline), ("events", opts.pipeline)):
            label = f"{opts.clients}x {mode} {depth}"
            phases[mode, depth] = concurrent(prefix, ids, names, opts.clients, depth, opts.seconds, label, mode)
            lua[f"{opts.clients} clients, {mode}, {depth} events per round trip"] = server_us(client)
            settle(eng, ids)
        rounds = max(1, opts.calls // opts.batch)
        p_dec, p_wall, p_lat = batched(eng, ids, names, opts.batch, rounds, rng)

        # every waiting call leaves, every agent becomes available, then calls arrive
        pipe = client.pipeline(transaction=False)
        for s in names:
            for cid in eng.waiting(s):
                eng._hangup(keys=[], args=[prefix, cid], client=pipe)
        pipe.execute()
        server_us(client)
        idle: list[float] = []
        for a in ids:
            timed(idle, eng.ready, a)
        lua["ready, empty queues"] = server_us(client)
        burst: list[float] = []
        matched = 0
        for i in range(opts.calls):
            res = timed(burst, eng.enqueue, f"c{seq}", rng.choice(names), skills=call_skills(rng))
            matched += res.agent is not None
            seq += 1
            if i % 500 == 499 or i == opts.calls - 1:
                progress("arrivals", i + 1, opts.calls)

        lua["enqueue, agents available"] = server_us(client)
        sequential = fill + ready + arrive + idle + burst
        print(summary("baseline PING round trip", ping))
        print(summary("enqueue, queues filling", fill))
        print(summary("ready -> best call", ready) + f"  (took a call: {taken})")
        print(summary("enqueue, steady state", arrive) + f"  (waiting at the end: {waiting_after})")
        print(summary("ready, empty queues", idle))
        print(summary("enqueue, agents available", burst) + f"  (matched at once: {matched})")
        print(summary("answered / end_call (not decisions)", other))
        print("server-side time per script (INFO commandstats, Lua work without the network):")
        for label, us in lua.items():
            print(f"  {label:<42} {us:6.1f} us -> at most ~{1e6 / max(us, 0.1):.0f} scripts/s on one Redis core")
        seq_s = sum(sequential) / 1000
        print(
            f"one client, sequential: {len(sequential) / seq_s:.0f} decisions/s  "
            f"p50={percentile(sequential, 0.5):.3f} ms  p99={percentile(sequential, 0.99):.3f} ms"
        )
        for (mode, depth), (lat, dec, events, errors, wall) in phases.items():
            how = "one EVENTS script" if mode == "events" else "pipelined scripts"
            print(
                f"{opts.clients} client processes, up to {depth} events per round trip ({how}), {wall:.1f} s: "
                f"{dec / wall:.0f} decisions/s ({events / wall:.0f} events/s with answered/end_call, "
                f"{errors} refused)  p50={percentile(lat, 0.5):.3f} ms  p99={percentile(lat, 0.99):.3f} ms"
            )
        print(
            f"batched (ready_many/enqueue_many), one client, {opts.batch} events per script call: "
            f"{p_dec / p_wall:.0f} decisions/s "
            f"(wall time includes answered/end_call)  batch round trip p50={percentile(p_lat, 0.5):.3f} ms  "
            f"p99={percentile(p_lat, 0.99):.3f} ms"
        )
        # the ACD's throughput is what all its processes get together (decisions / wall time of the
        # phase, answered/end_call included); latency is each decision's (its pipeline's round trip)
        lat, dec, _, _, wall = phases["events", opts.pipeline]
        print(
            f"RESULT decisions_per_s={dec / wall:.0f} "
            f"p50_ms={percentile(lat, 0.5):.3f} p99_ms={percentile(lat, 0.99):.3f}"
        )
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*", count=5000))
        for i in range(0, len(keys), 1000):
            client.delete(*keys[i : i + 1000])


if __name__ == "__main__":
    main()
