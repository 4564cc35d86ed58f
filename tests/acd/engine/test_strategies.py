"""Each strategy picks among the available agents that have the call's required skills."""

import time
from collections import Counter

import pytest

from tests.acd.engine.conftest import one_service

pytestmark = pytest.mark.integration


def _serve(eng, call, agent, *, wrap=False):
    eng.answered(call, agent)
    eng.end_call(agent, wrap_up=wrap)


def test_longest_idle_picks_the_agent_whose_last_call_ended_first(make_engine):
    eng = make_engine(*one_service("longest_idle", agents=3))
    for a in ("a1", "a2", "a3"):
        eng.login(a)
    # a2 then a3 then a1 end a call, in that order
    for i, a in enumerate(["a2", "a3", "a1"]):
        eng.ready(a)
        eng.enqueue(f"w{i}", "s")
        _serve(eng, f"w{i}", a, wrap=True)
        time.sleep(0.003)
    for a in ("a1", "a3", "a2"):
        eng.ready(a)
    assert [eng.enqueue(f"c{i}", "s").agent for i in range(3)] == ["a2", "a3", "a1"]


def test_top_down_follows_group_order_then_agent_order(make_engine):
    services = [{"name": "s", "strategy": "top_down", "groups": ["first", "second"]}]
    agents = [
        {"id": "b1", "groups": ["second"]},
        {"id": "a2", "groups": ["first"]},
        {"id": "a1", "groups": ["first"]},
    ]
    eng = make_engine(services, agents)
    for a in ("b1", "a1", "a2"):
        eng.login(a, ready=True)
    assert [eng.enqueue(f"c{i}", "s").agent for i in range(3)] == ["a2", "a1", "b1"]


def test_round_robin_continues_after_the_last_agent_served(make_engine):
    eng = make_engine(*one_service("round_robin", agents=3))
    for a in ("a1", "a2", "a3"):
        eng.login(a, ready=True)
    picks = []
    for i in range(6):
        agent = eng.enqueue(f"c{i}", "s").agent
        picks.append(agent)
        _serve(eng, f"c{i}", agent)
    assert picks == ["a1", "a2", "a3", "a1", "a2", "a3"]


def test_fewest_calls(make_engine):
    eng = make_engine(*one_service("fewest_calls", agents=3))
    for a in ("a1", "a2", "a3"):
        eng.login(a)
    for i, a in enumerate(["a1", "a1", "a3"]):
        eng.ready(a)
        eng.enqueue(f"w{i}", "s")
        _serve(eng, f"w{i}", a, wrap=True)
    for a in ("a1", "a3"):
        eng.ready(a)
    eng.ready("a2")
    assert eng.enqueue("c1", "s").agent == "a2"
    assert eng.enqueue("c2", "s").agent == "a3"


def test_best_skill_picks_the_highest_level_sum(make_engine):
    services = [{"name": "s", "strategy": "best_skill", "groups": ["g"]}]
    agents = [
        {"id": "a1", "groups": ["g"], "skills": {"es": 9, "fr": 1}},
        {"id": "a2", "groups": ["g"], "skills": {"es": 5, "fr": 6}},
        {"id": "a3", "groups": ["g"], "skills": {"es": 10}},
    ]
    eng = make_engine(services, agents)
    for a in ("a1", "a2", "a3"):
        eng.login(a, ready=True)
    assert eng.enqueue("c1", "s", skills={"es": 1, "fr": 1}).agent == "a2"  # 11 > 10
    assert eng.enqueue("c2", "s", skills={"es": 1}).agent == "a3"


def test_random_picks_only_eligible_agents_and_spreads(make_engine):
    services = [{"name": "s", "strategy": "random", "groups": ["g"]}]
    agents = [{"id": f"a{i}", "groups": ["g"], "skills": {"x": 1}} for i in range(4)]
    agents.append({"id": "unskilled", "groups": ["g"]})
    eng = make_engine(services, agents)
    for a in agents:
        eng.login(a["id"], ready=True)
    seen = Counter()
    for i in range(60):
        agent = eng.enqueue(f"c{i}", "s", skills={"x": 1}).agent
        seen[agent] += 1
        _serve(eng, f"c{i}", agent)
    assert "unskilled" not in seen and None not in seen
    assert len(seen) >= 2


def test_unknown_strategy_is_refused(make_engine):
    with pytest.raises(ValueError, match="unknown strategy"):
        make_engine(*one_service("cheapest"))
