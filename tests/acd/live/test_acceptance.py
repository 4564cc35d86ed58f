"""Acceptance: stale snapshot + the deltas after its seq == fresh snapshot, for every group, over
random sequences of real agent actions and call events (engine on real Redis, history in the db)."""

import uuid

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acd import notifier
from acd.engine import AcdError
from acd.live import apply
from acd.services import acd_calls, agent_states
from acd.services.agent_states import AgentStateError
from tests.acd.live.helpers import drop, load_engine
from tests.factories import AgentFactory, GroupFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

NUMBERS = ["1001", "1002", "1003"]
SERVICES = {"S1": ["g1"], "S2": ["g1", "g2"]}
GROUPS = ["wallboard", "svc.S1", "svc.S2"] + [f"agent.{n}" for n in NUMBERS]

agent_i = st.integers(0, 2)
call_k = st.integers(0, 5)
enqueue = st.tuples(st.just("enqueue"), call_k, st.sampled_from(list(SERVICES)), st.integers(0, 2))
answer = st.tuples(st.just("answer"), call_k)
# enqueue and answer listed more than once: calls then reach every state often
ops = st.one_of(
    enqueue,
    enqueue,
    answer,
    st.tuples(st.just("login"), agent_i, st.booleans()),
    st.tuples(st.just("ready"), agent_i),
    st.tuples(st.just("release"), agent_i, st.sampled_from(["", "lunch"])),
    st.tuples(st.just("logout"), agent_i),
    st.tuples(st.just("wrap_up"), agent_i),
    st.tuples(st.just("end_wrap_up"), agent_i),
    st.tuples(st.just("force"), agent_i, st.sampled_from(agent_states.FORCEABLE)),
    enqueue,
    answer,
    st.tuples(st.just("no_answer"), call_k, st.sampled_from(["released", "available"])),
    st.tuples(st.just("hangup"), call_k),
    st.tuples(st.just("end_call"), agent_i, st.booleans()),
)


@pytest.fixture
def agents():
    g1, g2 = GroupFactory(name="g1"), GroupFactory(name="g2")
    rows = [AgentFactory(number=n) for n in NUMBERS]
    rows[0].groups.add(g1)
    rows[1].groups.add(g2)
    rows[2].groups.add(g1, g2)
    return rows


def run_op(op, agents, eng):
    kind, *args = op
    if kind == "enqueue":
        call_id = f"c{args[0]}"
    if kind == "hangup":
        present = [c for c in (f"c{k}" for k in range(6)) if eng.call(c)]
        call_id = present[args[0] % len(present)] if present else "c0"
    if kind in ("answer", "no_answer"):
        # pick among the calls that are reserved, so that these ops mostly succeed
        reserved = [c for c in (f"c{k}" for k in range(6)) if eng.call(c).get("state") == "reserved"]
        call_id = reserved[args[0] % len(reserved)] if reserved else "c0"
        reserved_for = eng.call(call_id).get("agent", "")
    if kind == "login":
        agent_states.agent_login(agent=agents[args[0]], ready=args[1])
    elif kind == "release":
        agent_states.agent_release(agent=agents[args[0]], code=args[1])
    elif kind == "force":
        agent_states.agent_force_state(agent=agents[args[0]], state=args[1])
    elif kind in ("ready", "logout", "wrap_up", "end_wrap_up"):
        getattr(agent_states, f"agent_{kind}")(agent=agents[args[0]])
    elif kind == "enqueue":
        acd_calls.call_queued(call_id=call_id, service=args[1], priority=args[2])
    elif kind == "answer":
        acd_calls.call_answered(call_id=call_id, agent=reserved_for)
    elif kind == "no_answer":
        acd_calls.call_no_answer(call_id=call_id, agent=reserved_for, agent_state_after=args[1])
    elif kind == "hangup":
        acd_calls.call_hangup(call_id=call_id)
    else:
        acd_calls.call_ended(agent=NUMBERS[args[0]], wrap_up=args[1])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ops, max_size=30), st.data())
def test_stale_snapshot_plus_deltas_is_fresh_snapshot(
    agents, monkeypatch, django_capture_on_commit_callbacks, events, data
):
    prefix = f"ccweb:test:{uuid.uuid4().hex[:12]}:"
    with override_settings(ACD_REDIS_PREFIX=prefix, ACD_LIVE_GROUP_PREFIX=f"ccwebtest.{prefix[11:23]}."):
        eng = notifier.engine()
        # Everything after the first key is written sits inside try: hypothesis may abort an example at
        # any draw, and its keys must still be dropped.
        try:
            load_engine(eng.client, prefix, agents, SERVICES)
            for number in NUMBERS[: data.draw(st.integers(0, 3))]:
                eng.login(number, ready=True)  # start with some agents at work, before any snapshot
            sent = []
            monkeypatch.setattr(notifier, "send", sent.extend)
            stale_at = data.draw(st.integers(0, len(events)))
            stale = None
            for i, op in enumerate([*events, None]):
                if i == stale_at:
                    stale = {g: notifier.snapshot(eng, g) for g in GROUPS}
                if op is None:
                    break
                with django_capture_on_commit_callbacks(execute=True):
                    try:
                        run_op(op, agents, eng)
                    except (AgentStateError, AcdError):
                        pass  # refused: nothing changed, nothing published
            for group in GROUPS:
                mine = sorted((d for d in sent if d["group"] == group), key=lambda d: d["seq"])
                assert [d["seq"] for d in mine] == list(range(1, len(mine) + 1)), "seqs are per group and contiguous"
                state = stale[group]
                for delta in mine:
                    state = apply(state, delta)
                assert state == notifier.snapshot(eng, group), group
        finally:
            drop(eng.client, prefix)
