"""After Redis loses the live state, configuration comes back, and owners re-publish their calls at
their old places."""

import time

import pytest

from acd.engine import configure_services
from tests.acd.engine.conftest import one_service

pytestmark = pytest.mark.integration


def wipe(client, prefix):
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


def test_configure_reports_a_fresh_live_state_once(client, prefix):
    services, agents = one_service()
    assert configure_services(client, prefix, services=services, agents=agents) is True
    assert configure_services(client, prefix, services=services, agents=agents) is False
    wipe(client, prefix)  # what a Redis restart without persistence looks like
    assert configure_services(client, prefix, services=services, agents=agents) is True


def test_owners_republish_and_calls_keep_their_places(client, prefix, make_engine):
    services, agents = one_service(agents=2)
    eng = make_engine(services, agents)
    eng.login("a1", ready=True)
    eng.login("a2")
    eng.enqueue("c0", "s", owner="mw")  # connected to a1
    eng.answered("c0", "a1")
    for i in range(1, 4):
        eng.enqueue(f"c{i}", "s", priority=i % 2, owner="mw")
    eng.request_callback("c2", ["+15550002"])
    held = {c: eng.call(c) for c in ("c0", "c1", "c2", "c3")}  # what the owner keeps
    order = eng.waiting("s")
    epoch = eng.epoch()

    wipe(client, prefix)
    # the lost counter restarts from the clock (ms); this test made its events faster than that
    time.sleep(0.05)
    assert configure_services(client, prefix, services=services, agents=agents) is True
    assert eng.epoch() != epoch  # owners watch this and re-publish
    eng.enqueue("new", "s")  # a call arriving before the owners re-published
    for c in ("c3", "c1", "c2", "c0"):  # in any order
        assert eng.restore(c, held[c])[0] == "restored"
    assert eng.restore("c1", held["c1"])[0] == "exists"
    assert eng.waiting("s") == [*order, "new"]
    assert eng.agent("a1")["state"] == "on_call" and eng.agent("a1")["call"] == "c0"
    assert eng.call("c2")["kind"] == "callback"
    assert eng.end_call("a1") == order[0]


def test_restore_into_an_unknown_service_is_reported(client, prefix, make_engine):
    eng = make_engine(*one_service())
    eng.login("a1")
    eng.enqueue("c1", "s")
    record = {**eng.call("c1"), "service": "gone"}
    eng.hangup("c1")
    assert eng.restore("c1", record) == ("unknown_service", None)
