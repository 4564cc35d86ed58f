"""Subscript through call.run_subscript: return, ending the call, depth limit, cycles, a shared budget."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from scripts_app.engine.actions import ACTIONS, Action, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.interpreter import MAX_DEPTH, RETURNED, run_script
from tests.scripts_app.engine.support import graph, node, run
from tests.scripts_app.fakes import FakeScripts, make_call

pytestmark = pytest.mark.usefixtures("test_actions")

RESULTS: list[str] = []


class SubTarget(Action):
    """Calls run_subscript with its `target` parameter as given (a name, a (name, Graph) pair, anything);
    records what the hook returned; deadline from `deadline`."""

    name = "t_sub_target"
    title = "Subscript with any target (test)"
    fixed_exits = ("returned",)

    def deadline(self, params: Mapping[str, Any]) -> float:
        return float(params.get("deadline", 60.0))

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        assert call.run_subscript is not None
        RESULTS.append(await call.run_subscript(params["target"]))
        return "returned"


@pytest.fixture(autouse=True)
def sub_target() -> Iterator[None]:
    register(SubTarget)
    RESULTS.clear()
    yield
    ACTIONS.pop(SubTarget.name, None)


def sub(node_id: str, script: str, nxt: str | None = None, **exits: str | None) -> dict:
    return node(node_id, "t_sub", {"returned": nxt, **exits}, script=script)


def say(node_id: str, nxt: str | None = None, prompt: str = "p") -> dict:
    return node(node_id, "t_say", {"next": nxt}, prompts=[prompt])


def test_subscript_returns_and_the_parent_continues():
    """A subscript that reaches an end returns to its caller without hanging up; its steps carry its name."""
    child = graph(node("mark", "t_set", {"next": "hi"}, field="Customer Type", value="VIP"), say("hi", prompt="child"))
    call = make_call(scripts=FakeScripts({"Child": child}))
    main = graph(sub("call", "Child", "after"), say("after", prompt="parent"))
    assert run(run_script(main, call, name="Main")) == "completed"
    assert [(s.script, s.node, s.exit) for s in call.trace] == [
        ("Main", "call", "returned"),
        ("Child", "mark", "next"),
        ("Child", "hi", "next"),
        ("Main", "after", "next"),
    ]
    assert call.media.kinds() == ["play", "play", "hangup"]
    assert call.media.prompts_played == ["child", "parent"]
    assert call.depth == 0


def test_hook_returns_returned_or_the_outcome():
    """run_subscript answers RETURNED when the subscript ended normally, the outcome when the call ended."""
    ends = graph(say("a"))
    queues = graph(node("q", "t_queue", {"not_queued": None}, service="Bonds"))
    main = graph(
        node("one", "t_sub_target", {"returned": "two"}, target=("Ends", ends)),
        node("two", "t_sub_target", {"returned": "never"}, target=("Queues", queues)),
        say("never"),
    )
    call = make_call()
    assert run(run_script(main, call)) == "queued"
    assert RESULTS == [RETURNED, "queued"]
    assert [s.script for s in call.trace] == ["", "Ends", "", "Queues"]


def test_subscript_that_ends_the_call_ends_the_parent():
    """Queued inside the subscript: the parent stops too, with that outcome, and nothing more is played."""
    child = graph(node("q", "t_queue", {"not_queued": None}, service="Stocks"))
    call = make_call(scripts=FakeScripts({"Child": child}))
    assert run(run_script(graph(sub("call", "Child", "after"), say("after")), call)) == "queued"
    assert call.trace[-1].node == "q" and call.media.kinds() == []


def test_pair_and_json_targets():
    """The hook takes a (name, Graph) pair, or a name whose loader returns JSON; both run, named in the trace."""
    child = graph(say("hi", prompt="child"))
    call = make_call(scripts=FakeScripts({"Json": child.to_json()}))
    main = graph(node("a", "t_sub_target", {"returned": "b"}, target=("Inline", child)), sub("b", "Json"))
    assert run(run_script(main, call)) == "completed"
    assert [(s.script, s.node) for s in call.trace] == [("", "a"), ("Inline", "hi"), ("", "b"), ("Json", "hi")]


def test_unknown_subscript_takes_the_failure_exit():
    """A script the loader does not know fails the Subscript node (failure exit)."""
    call = make_call(scripts=FakeScripts({}))
    assert run(run_script(graph(sub("call", "Gone", None, failure="sorry"), say("sorry")), call)) == "completed"
    assert "no published script 'Gone'" in call.trace[0].error
    assert call.trace[1].node == "sorry"


def test_depth_limit_raises_into_the_failure_exit():
    """A script calling itself nests MAX_DEPTH levels; the next Subscript fails and takes its failure exit."""
    deep = graph(sub("again", "Deep", None, failure="bottom"), say("bottom", prompt="too_deep"))
    call = make_call(scripts=FakeScripts({"Deep": deep}))
    assert run(run_script(deep, call, name="Deep")) == "completed"
    subs = [s for s in call.trace if s.action == "t_sub"]
    assert len(subs) == MAX_DEPTH + 1
    assert all(s.exit == "returned" for s in subs[:-1])
    assert subs[-1].exit is None and "nest deeper than 8" in subs[-1].error
    assert call.media.prompts_played == ["too_deep"]
    assert call.media.kinds() == ["play", "hangup"]
    assert call.depth == 0


def test_cycle_without_failure_exit_ends_in_the_fallback():
    """A → B → A with no failure exits: the depth limit fails a Subscript, so the fallback takes the caller."""
    a = graph(sub("to_b", "B"))
    b = graph(sub("to_a", "A"))
    call = make_call(scripts=FakeScripts({"A": a, "B": b}), fallback_service="Stocks")
    assert run(run_script(a, call, name="A")) == "fallback"
    last = call.trace[-1]
    assert last.action == "fallback" and last.exit == "queued"
    assert "nest deeper" in last.error
    assert call.depth == 0


def test_fallback_inside_a_subscript_uses_its_apology():
    """A failure with no failure exit inside a subscript runs the fallback there: the call ends "fallback"."""
    child = graph(node("boom", "t_boom", {"next": None}), apology="child_sorry")
    call = make_call(scripts=FakeScripts({"Child": child}), fallback_service="Stocks")
    main = graph(sub("call", "Child", "after"), say("after"), apology="main_sorry")
    assert run(run_script(main, call)) == "fallback"
    assert call.media.prompts_played == ["child_sorry"]
    assert (call.trace[-1].script, call.trace[-1].action) == ("Child", "fallback")


def test_fallback_inside_a_subscript_falls_back_to_the_main_apology():
    child = graph(node("boom", "t_boom", {"next": None}))
    call = make_call(scripts=FakeScripts({"Child": child}))
    assert run(run_script(graph(sub("call", "Child"), apology="main_sorry"), call)) == "fallback"
    assert call.media.prompts_played == ["main_sorry"]


def test_step_budget_is_shared_with_subscripts():
    """Steps inside a subscript count against the main script's budget."""
    child = graph(say("spin", "spin"))
    call = make_call(scripts=FakeScripts({"Child": child}))
    assert run(run_script(graph(sub("call", "Child")), call, step_budget=10)) == "fallback"
    assert len(call.trace) == 11
    assert call.trace[-1].error == "step budget exceeded" and call.trace[-1].script == "Child"


def test_subscript_past_the_callers_deadline_is_cancelled():
    """The Subscript node's deadline covers the whole subscript: past it, the child stops, failure exit."""
    child = graph(node("nap", "t_sleep", {"next": None}, seconds=5, deadline=30))
    main = graph(
        node("call", "t_sub_target", {"returned": None, "failure": "sorry"}, target=("Child", child), deadline=0.05),
        say("sorry"),
    )
    call = make_call()
    assert run(run_script(main, call)) == "completed"
    assert [(s.node, s.error.split(" ")[0] if s.error else "") for s in call.trace] == [
        ("call", "no"),
        ("nap", "cancelled"),
        ("sorry", ""),
    ]
    assert call.depth == 0


def test_an_unnamed_graph_is_refused_into_the_failure_exit():
    """Subscripts are named in the trace, so a bare Graph (no name) is refused: the node's failure exit runs."""
    call = make_call(scripts=FakeScripts({}))
    main = graph(
        node("a", "t_sub_target", {"returned": None, "failure": "sorry"}, target=graph(say("hi"))), say("sorry")
    )
    assert run(run_script(main, call)) == "completed"
    assert "(name, graph) pair" in call.trace[0].error and call.trace[1].node == "sorry"
