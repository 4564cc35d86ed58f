"""The live reducer: deltas patch a snapshot in seq order; old deltas are ignored; a gap raises Gap."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acd.live import Gap, apply, empty_snapshot

ROW = {"state": "available", "code": "", "call": "", "personal": []}


def test_apply_sets_and_removes_agents_and_replaces_queues():
    snap = empty_snapshot("svc.s", 3)
    snap = apply(snap, {"seq": 4, "agents": {"1001": ROW}, "queues": {"s": ["c1", "c2"]}})
    snap = apply(snap, {"seq": 5, "agents": {"1002": ROW}, "queues": {"s": ["c2"]}})
    snap = apply(snap, {"seq": 6, "agents": {"1001": None}, "queues": {}})
    assert snap == {"group": "svc.s", "seq": 6, "agents": {"1002": ROW}, "queues": {"s": ["c2"]}}


def test_apply_does_not_modify_its_input():
    snap = empty_snapshot("wallboard")
    apply(snap, {"seq": 1, "agents": {"1001": ROW}, "queues": {"s": ["c1"]}})
    assert snap == empty_snapshot("wallboard")


def test_delta_already_in_snapshot_is_ignored():
    snap = {"group": "g", "seq": 7, "agents": {"1001": ROW}, "queues": {}}
    assert apply(snap, {"seq": 7, "agents": {"1001": None}, "queues": {}}) is snap
    assert apply(snap, {"seq": 2, "agents": {"1001": None}, "queues": {}}) is snap


def test_gap_is_detected():
    with pytest.raises(Gap) as err:
        apply(empty_snapshot("g", 4), {"seq": 6, "agents": {}, "queues": {}})
    assert (err.value.have, err.value.got) == (4, 6)


# A pure model of the publisher: whole rows per change, seq per group (as acd/notifier.py does).
changes = st.lists(
    st.one_of(
        st.tuples(
            st.just("agent"),
            st.sampled_from(["1", "2", "3"]),
            st.one_of(st.none(), st.sampled_from(["available", "released", "on_call"])),
        ),
        st.tuples(st.just("queue"), st.sampled_from(["s", "t"]), st.lists(st.sampled_from("abcde"), max_size=4)),
    ),
    max_size=40,
)


@given(changes, st.data())
def test_stale_snapshot_plus_later_deltas_is_fresh_snapshot(events, data):
    """From any point, the deltas after a snapshot's seq turn it into the snapshot taken at the end."""
    state = empty_snapshot("wallboard")
    snapshots, deltas = [state], []
    for i, (kind, key, value) in enumerate(events, start=1):
        if kind == "agent":
            delta = {"seq": i, "agents": {key: None if value is None else {**ROW, "state": value}}, "queues": {}}
        else:
            delta = {"seq": i, "agents": {}, "queues": {key: value}}
        deltas.append(delta)
        state = apply(state, delta)
        snapshots.append(state)
    stale = data.draw(st.sampled_from(snapshots))
    for delta in deltas:  # the client may also see deltas it already has: they are skipped
        stale = apply(stale, delta)
    assert stale == snapshots[-1]
