"""Acceptance: several processes act at once on one ACD; after every step the invariants hold.

Each step runs a burst of operations from threads (each with its own Redis connection, like
separate media and agent processes) released together by a barrier, then checks invariants.py.
"""

import threading
import time
import uuid

import hypothesis.strategies as st
import pytest
import redis
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from acd.engine import AcdEngine, AcdError, configure_services
from tests.acd.engine import invariants
from tests.acd.engine.conftest import new_client

pytestmark = pytest.mark.integration

SERVICES = {
    "s_li": ("longest_idle", ["g1", "g2"]),
    "s_rr": ("round_robin", ["g2"]),
    "s_td": ("top_down", ["g1", "g3"]),
    "s_fc": ("fewest_calls", ["g3"]),
    "s_bs": ("best_skill", ["g1", "g2", "g3"]),
    "s_rd": ("random", ["g2", "g3"]),
}
AGENTS = [f"a{i}" for i in range(8)]
GROUPS = [["g1"], ["g2"], ["g3"], ["g1", "g3"], ["g2", "g3"], ["g1", "g2"], ["g3"], ["g2"]]
ACTORS = 4

op = st.one_of(
    st.tuples(
        st.just("enqueue"),
        st.sampled_from(sorted(SERVICES)),
        st.integers(0, 3),
        st.sampled_from([None, {"x": 1}, {"x": 2}, {"x": 3}, {"y": 1}, {"x": 2, "y": 1}]),
    ),
    st.tuples(
        st.just("agent"),
        st.sampled_from(["login", "login_ready", "ready", "release", "logout", "end", "wrap"]),
        st.sampled_from(AGENTS),
    ),
    st.tuples(st.just("answer"), st.sampled_from(AGENTS)),
    st.tuples(st.just("no_answer"), st.sampled_from(AGENTS), st.sampled_from(["released", "available"])),
    st.tuples(st.just("hangup"), st.integers(0, 1000)),
    st.tuples(st.just("reconcile")),
    st.tuples(st.just("personal"), st.sampled_from(sorted(SERVICES)), st.sampled_from(AGENTS), st.integers(0, 3)),
    st.tuples(st.just("priority"), st.integers(0, 1000), st.integers(0, 5)),
    st.tuples(st.just("callback"), st.integers(0, 1000)),
    st.tuples(st.just("callback_failed"), st.sampled_from(AGENTS)),
    st.tuples(
        st.just("batch"),
        st.lists(
            st.one_of(
                st.tuples(st.just("ready"), st.sampled_from(AGENTS)),
                st.tuples(st.just("enqueue"), st.sampled_from(sorted(SERVICES)), st.integers(0, 3)),
                st.tuples(st.just("answer"), st.sampled_from(AGENTS)),
                st.tuples(st.just("end"), st.sampled_from(AGENTS)),
            ),
            min_size=1,
            max_size=6,
        ),
    ),
)


class AcdMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.prefix = f"ccweb:test:{uuid.uuid4()}:"
        self.client = new_client()
        configure_services(
            self.client,
            self.prefix,
            services=[
                {"name": s, "strategy": strat, "groups": groups, "ring_timeout": 30}
                for s, (strat, groups) in SERVICES.items()
            ],
            agents=[
                {"id": a, "groups": GROUPS[i], "skills": {"x": i % 3 + 1, **({"y": 1} if i % 2 else {})}}
                for i, a in enumerate(AGENTS)
            ],
        )
        # agents come with a history, so longest_idle and fewest_calls have something to tell apart
        for i, a in enumerate(AGENTS):
            self.client.hset(self.eng_key(a), mapping={"last_end": 1000 * ((i * 5) % 8), "handled": (i * 3) % 8})
        self.engines = [AcdEngine(new_client(), self.prefix) for _ in range(ACTORS)]
        self.eng = AcdEngine(self.client, self.prefix)
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def eng_key(self, agent: str) -> str:
        return f"{self.prefix}agent:{agent}"

    @initialize(ready=st.sets(st.sampled_from(AGENTS)))
    def log_in(self, ready: set[str]) -> None:
        for a in sorted(ready):
            self.eng.login(a, ready=True)

    def _new_call(self) -> str:
        with self.lock:
            cid = f"c{len(self.calls)}"
            self.calls.append(cid)
        return cid

    def _do(self, eng: AcdEngine, o: tuple) -> None:
        kind = o[0]
        try:
            if kind == "enqueue":
                eng.enqueue(self._new_call(), o[1], priority=o[2], skills=o[3])
            elif kind == "agent":
                action, a = o[1], o[2]
                {
                    "login": lambda: eng.login(a),
                    "login_ready": lambda: eng.login(a, ready=True),
                    "ready": lambda: eng.ready(a),
                    "release": lambda: eng.release(a, "break"),
                    "logout": lambda: eng.logout(a),
                    "end": lambda: eng.end_call(a),
                    "wrap": lambda: eng.wrap_up(a),
                }[action]()
            elif kind in ("answer", "no_answer"):
                call = eng.agent(o[1]).get("call")
                if call and kind == "answer":
                    eng.answered(call, o[1])
                elif call:
                    eng.no_answer(call, o[1], agent_state_after=o[2])
            elif kind == "hangup":
                if self.calls:
                    eng.hangup(self.calls[o[1] % len(self.calls)], force=True)
            elif kind == "personal":
                eng.enqueue(self._new_call(), o[1], priority=o[3], agent_queue=o[2])
            elif kind == "priority":
                if self.calls:
                    eng.set_priority(self.calls[o[1] % len(self.calls)], o[2])
            elif kind == "callback":
                if self.calls:
                    eng.request_callback(self.calls[o[1] % len(self.calls)], ["+15550001", "+15550002"])
            elif kind == "callback_failed":
                call = eng.agent(o[1]).get("call")
                if call:
                    eng.callback_failed(call, o[1])
            elif kind == "batch":
                b = eng.batch()
                for sub in o[1]:
                    if sub[0] == "ready":
                        b.ready(sub[1])
                    elif sub[0] == "enqueue":
                        b.enqueue(self._new_call(), sub[1], priority=sub[2])
                    elif sub[0] == "answer":
                        call = eng.agent(sub[1]).get("call")
                        if call:
                            b.answered(call, sub[1])
                    else:
                        b.end_call(sub[1])
                b.execute()  # refused events come back as errors in their places
            else:
                eng.reconcile(now=time.time() + 3600)
        except AcdError:
            pass  # refused because of the state (raced by another actor): that is the contract

    @rule(ops=st.lists(op, min_size=1, max_size=ACTORS))
    def burst(self, ops: list[tuple]) -> None:
        barrier = threading.Barrier(len(ops))
        errors: list[BaseException] = []

        def run(i: int, o: tuple) -> None:
            try:
                barrier.wait(5)
                self._do(self.engines[i], o)
            except BaseException as exc:  # noqa: BLE001 - reported to the main thread
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(i, o)) for i, o in enumerate(ops)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert not errors, errors

    @rule(o=op)
    def single(self, o: tuple) -> None:
        self._do(self.eng, o)

    @invariant()
    def consistent(self) -> None:
        invariants.check(self.eng, self.client, self.calls, AGENTS, {s: v[0] for s, v in SERVICES.items()})

    def teardown(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}*", count=1000))
        if keys:
            self.client.delete(*keys)
        for eng in self.engines:
            eng.client.close()
        self.client.close()


AcdMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_acd_state_machine(client):
    """No call to two agents, no agent with two calls, FIFO per priority, each strategy's rule."""
    try:
        redis.Redis.ping(client)
    except redis.ConnectionError:
        pytest.skip("no Redis")
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(AcdMachine, settings=AcdMachine.TestCase.settings)
