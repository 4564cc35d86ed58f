"""The concurrent phases of bench/acd_bench.py: client processes serving load (see its docstring)."""

import json
import multiprocessing
import random
import time

import redis
from _stats import progress

from acd.engine import AcdEngine

SKILLS = ["en", "es", "fr", "billing", "tech"]


def call_skills(rng: random.Random) -> dict[str, int] | None:
    return {rng.choice(SKILLS): rng.randint(1, 5)} if rng.random() < 0.2 else None


def _serve_worker(
    prefix: str, agent_ids: list[str], names: list[str], batch: int, seed: int, go, stop, out, mode: str = "pipeline"
) -> None:
    """One client process (a media worker owning its calls, and the sessions of its agents).

    mode "pipeline": each event its own EVALSHA, up to `batch` of them in one pipeline; mode
    "events": the same events in ONE EVALSHA of the EVENTS script (AcdEngine.batch()), so one
    script start and one command per round trip.

    Each round trip is one pipeline (transaction=False) of up to `batch` events, each its own atomic
    script: answered for the calls reserved in the previous round, end_call (into wrap-up) for the
    agents that were on a call, then pairs of decisions: an agent in wrap-up becomes ready (takes
    the best waiting call) and a new call of this owner arrives (so 10,000 keep waiting). Every 16
    events one XREAD of the owner's message stream (its 'reserved' messages) rides along. Every
    decision in the pipeline gets the pipeline's round trip as its latency. The scripts go as plain
    EVALSHA (the engine loaded them before): redis-py's Script objects in a pipeline would add a
    SCRIPT EXISTS round trip to every execute().
    """
    rng = random.Random(seed)
    owner = f"mw{seed}"
    eng = AcdEngine(redis.Redis(host="127.0.0.1", port=6379, db=15), prefix)
    stream, last_id = eng.keys.owner_stream(owner), "0"
    wrapped = list(agent_ids)  # agents in wrap-up (or released): next to become ready
    reserved: dict[str, str] = {}  # agent -> call reserved for it (answered next round)
    on_call: list[str] = []
    latencies: list[float] = []
    events = decisions = errors = n = unread = 0
    turn_ready = True
    go.wait()
    shas = {"end": eng._end.sha, "call": eng._call.sha, "agent": eng._agent.sha, "enqueue": eng._enqueue.sha}
    while not stop.is_set():
        pipe = eng.client.pipeline(transaction=False)
        sent: list[tuple[str, str]] = []
        flat: list = [prefix]  # mode "events": one EVENTS call

        def add(name: str, *args, flat=flat, pipe=pipe) -> None:
            if mode == "events":
                flat.extend([name, len(args), *args])
            else:
                pipe.execute_command("EVALSHA", shas[name], 0, prefix, *args)

        for a in on_call[:batch]:
            add("end", a, "wrap_up")
            sent.append(("end", a))
        answering = list(reserved.items())[: batch - len(sent)]
        for a, c in answering:
            add("call", c, a, "answered", "")
            sent.append(("answered", a))
        while len(sent) < batch:
            # decisions alternate: an agent ready, a call arriving (one new call per call taken)
            if turn_ready and wrapped:
                a = wrapped.pop()
                add("agent", "ready", a, "", "")
                sent.append(("ready", a))
            else:
                skills = call_skills(rng)
                skills_json = json.dumps(skills, sort_keys=True) if skills else "{}"
                cid = f"{owner}-{mode}-{batch}-{n}"
                add("enqueue", cid, rng.choice(names), rng.randint(0, 3), skills_json, owner, "")
                sent.append(("enqueue", cid))
                n += 1
            turn_ready = not turn_ready
        if mode == "events":
            pipe.execute_command("EVALSHA", eng._events.sha, 0, *flat)
        unread += len(sent)
        reading = unread >= 16
        if reading:
            pipe.xread({stream: last_id}, count=1000)
            unread = 0
        t0 = time.perf_counter()
        replies = pipe.execute(raise_on_error=False)
        ms = (time.perf_counter() - t0) * 1000
        if mode == "events":
            replies = [
                RuntimeError(r.decode()) if isinstance(r, bytes) and r.startswith(b"!") else r for r in replies[0]
            ] + replies[1:]
        on_call = on_call[batch:]
        for a, _ in answering:
            del reserved[a]
        for (kind, a), rep in zip(sent, replies, strict=False):
            if isinstance(rep, Exception):
                errors += 1
            elif kind == "end":
                wrapped.insert(0, a)
            elif kind == "answered":
                on_call.append(a)
            elif kind == "ready" and rep:
                reserved[a] = rep.decode()
            elif kind == "enqueue" and rep[1]:
                # an available agent took the new call at once: this worker drives it from now on
                reserved[rep[1].decode()] = a
        if reading and replies[-1]:
            last_id = replies[-1][0][1][-1][0]
        got = sum(k in ("ready", "enqueue") for k, _ in sent)
        latencies += [ms] * got
        decisions += got
        events += len(sent)
    out.put((latencies, decisions, events, errors))


def concurrent(
    prefix: str,
    ids: list[str],
    names: list[str],
    clients: int,
    batch: int,
    seconds: float,
    label: str,
    mode: str = "pipeline",
) -> tuple[list[float], int, int, int, float]:
    """`clients` processes at once for `seconds`; decisions/s = all their decisions / the phase's wall time."""
    ctx = multiprocessing.get_context("fork")
    out, go, stop = ctx.Queue(), ctx.Event(), ctx.Event()
    procs = [
        ctx.Process(target=_serve_worker, args=(prefix, ids[i::clients], names, batch, 1000 + i, go, stop, out, mode))
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    time.sleep(0.3)  # every process forked and connected
    t0 = time.perf_counter()
    go.set()
    steps = int(seconds * 10)
    for i in range(steps):
        time.sleep(seconds / steps)
        progress(label, i + 1, steps)
    stop.set()
    results = [out.get(timeout=60) for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join(10)
    latencies = [x for r in results for x in r[0]]
    return latencies, sum(r[1] for r in results), sum(r[2] for r in results), sum(r[3] for r in results), wall
