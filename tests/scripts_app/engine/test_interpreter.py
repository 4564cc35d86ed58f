"""The interpreter: exits followed, failures recovered, the fallback never drops a caller, every step traced."""

from __future__ import annotations

import asyncio

import pytest

from scripts_app.engine.actions import ACTIONS, Action, register
from scripts_app.engine.interpreter import run_script
from tests.scripts_app.engine.support import graph, node, run
from tests.scripts_app.fakes import FakeAcd, FakeMedia, make_call

pytestmark = pytest.mark.usefixtures("test_actions")


def say(node_id: str, nxt: str | None = None, prompt: str = "p", **exits: str | None) -> dict:
    return node(node_id, "t_say", {"next": nxt, **exits}, prompts=[prompt])


def trail(call) -> list[tuple[str, str, str | None]]:
    return [(s.node, s.action, s.exit) for s in call.trace]


def test_normal_path_runs_to_the_end_and_hangs_up():
    """ask → set → say → null: each node runs once in order; the end hangs up with outcome "completed"."""
    g = graph(
        node("ask", "t_ask", {"success": "mark", "timeout": None}, field="Customer ID"),
        node("mark", "t_set", {"next": "bye"}, field="Customer Type", value="VIP"),
        say("bye", prompt="goodbye"),
    )
    call = make_call(keys=["1001#"])
    assert run(run_script(g, call)) == "completed"
    assert call.outcome == "completed"
    assert trail(call) == [("ask", "t_ask", "success"), ("mark", "t_set", "next"), ("bye", "t_say", "next")]
    assert call.media.kinds() == ["collect", "play", "hangup"]
    assert call.profile["Customer ID"] == "1001" and call.profile["Customer Type"] == "VIP"


def test_branch_taken_depends_on_the_exit():
    """The exit an action returns picks the next node (timeout branch when the caller is silent)."""
    g = graph(
        node("ask", "t_ask", {"success": "ok", "timeout": "silent"}, field="Customer ID"),
        say("ok", prompt="thanks"),
        say("silent", prompt="no_input"),
    )
    call = make_call(keys=[""])
    assert run(run_script(g, call)) == "completed"
    assert trail(call)[-1] == ("silent", "t_say", "next")
    assert call.media.prompts_played == ["no_input"]


def test_exception_takes_the_failure_exit():
    """An action that raises follows the node's failure exit; the step records the error and no exit."""
    g = graph(node("boom", "t_boom", {"next": None, "failure": "sorry"}, message="db down"), say("sorry"))
    call = make_call(acd=FakeAcd())
    assert run(run_script(g, call, name="Main")) == "completed"
    first = call.trace[0]
    assert (first.node, first.exit, first.error) == ("boom", None, "RuntimeError: db down")
    assert first.script == "Main"
    assert trail(call)[1] == ("sorry", "t_say", "next")
    assert call.acd.queued == []


def test_exception_without_failure_exit_runs_the_fallback():
    """No failure exit: music stops, the apology plays, the caller is queued to the fallback service."""
    g = graph(node("boom", "t_boom", {"next": None}), apology="sorry")
    call = make_call(fallback_service="Stocks")
    assert run(run_script(g, call)) == "fallback"
    assert call.outcome == "fallback" and call.destination == "Stocks"
    assert call.media.kinds() == ["moh_stop", "play"]
    assert call.media.prompts_played == ["sorry"]
    assert [(q[1], q[2]["Service"]) for q in call.acd.queued] == [("Stocks", "Stocks")]
    step = call.trace[-1]
    assert (step.node, step.action, step.exit) == ("boom", "fallback", "queued")
    assert "RuntimeError: it broke" in step.error and "no failure exit" in step.error
    assert step.changes == {"Service": ("", "Stocks")}
    assert not call.media.hung_up


def test_fallback_without_fallback_service_hangs_up():
    """With no fallback service the fallback apologises and hangs up; the outcome is still "fallback"."""
    g = graph(node("boom", "t_boom", {"next": None}), apology="sorry")
    call = make_call()
    assert run(run_script(g, call)) == "fallback"
    assert call.media.kinds() == ["moh_stop", "play", "hangup"]
    assert call.trace[-1].exit == "hung_up"
    assert call.acd.queued == []


def test_fallback_hangs_up_when_queuing_is_refused():
    """A fallback service that answers "full" leaves the caller hung up, and Service as it was."""
    g = graph(node("boom", "t_boom", {"next": None}))
    call = make_call({"Service": "Sales"}, acd=FakeAcd({"Stocks": "full"}), fallback_service="Stocks")
    assert run(run_script(g, call)) == "fallback"
    assert call.media.hung_up and call.profile["Service"] == "Sales"
    assert "queuing to 'Stocks' failed (full)" in call.trace[-1].error
    assert call.trace[-1].changes == {}
    assert call.destination == ""


def test_fallback_survives_every_port_failing():
    """Stop, play, queue and hangup all raising: the fallback still ends with "fallback" and raises nothing."""
    broken = {"stop_music_on_hold": OSError("port down"), "play": ValueError("no such prompt"), "hangup": KeyError(1)}
    g = graph(node("boom", "t_boom", {"next": None}), apology="sorry")
    call = make_call(
        media=FakeMedia(fail=broken),
        acd=FakeAcd(fail={"queue_to_service": RuntimeError("acd down")}),
        fallback_service="S",
    )
    assert run(run_script(g, call)) == "fallback"
    assert call.trace[-1].exit == "hung_up"


def test_fallback_does_not_wait_forever_on_a_hung_port(monkeypatch):
    """A port that never answers during the fallback is given up on after its deadline."""
    monkeypatch.setattr("scripts_app.engine.interpreter.PORT_DEADLINE", 0.01)
    monkeypatch.setattr("scripts_app.engine.interpreter.APOLOGY_DEADLINE", 0.01)
    g = graph(node("boom", "t_boom", {"next": None}), apology="sorry")
    call = make_call(media=FakeMedia(hang=["play", "stop_music_on_hold"]), fallback_service="Stocks")
    assert run(run_script(g, call)) == "fallback"
    assert call.destination == "Stocks"


def test_deadline_takes_the_failure_exit():
    """An action that outlives its deadline is abandoned and takes the failure exit."""
    g = graph(node("slow", "t_sleep", {"next": None, "failure": "sorry"}, seconds=5, deadline=0.02), say("sorry"))
    call = make_call()
    assert run(run_script(g, call)) == "completed"
    step = call.trace[0]
    assert step.exit is None and "deadline of 0.02 s" in step.error
    assert 15 <= step.duration_ms < 1000
    assert trail(call)[1][0] == "sorry"


def test_deadline_without_failure_exit_runs_the_fallback():
    g = graph(node("slow", "t_sleep", {"next": None}, seconds=5, deadline=0.02))
    call = make_call(fallback_service="Bonds")
    assert run(run_script(g, call)) == "fallback"
    assert call.trace[-1].action == "fallback" and "deadline" in call.trace[-1].error
    assert call.destination == "Bonds"


def test_invalid_deadline_counts_as_a_failure():
    """A deadline that is not a positive number fails the action (failure exit) instead of waiting for ever."""
    g = graph(node("slow", "t_sleep", {"next": None, "failure": None}, seconds=0, deadline=0))
    call = make_call()
    assert run(run_script(g, call)) == "completed"
    assert "invalid deadline" in call.trace[0].error


def test_step_budget_exceeded_runs_the_fallback():
    """A loop longer than the budget stops after `step_budget` steps with a fallback step saying why."""
    g = graph(say("again", "again"))
    call = make_call(fallback_service="Stocks")
    assert run(run_script(g, call, step_budget=5)) == "fallback"
    assert [s.action for s in call.trace] == ["t_say"] * 5 + ["fallback"]
    assert call.trace[-1].error == "step budget exceeded"


def test_step_budget_exactly_enough():
    """A script of exactly `step_budget` steps completes."""
    g = graph(say("a", "b"), say("b", "c"), say("c"))
    call = make_call()
    assert run(run_script(g, call, step_budget=3)) == "completed"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("maybe", "exit 'maybe' is not wired"),
        ("failure", "exit 'failure' is not wired"),
        (42, "the action returned 42, not an exit name; the node has no failure exit"),
        (None, "the action returned None, not an exit name; the node has no failure exit"),
    ],
)
def test_unwired_or_invalid_exit_at_run_time_runs_the_fallback(answer, reason):
    """An exit the node does not wire (or a non-text answer) is not followed: the fallback runs, saying why."""
    g = graph(node("a", "t_answer", {"next": None}, answer=answer))
    call = make_call(fallback_service="Stocks")
    assert run(run_script(g, call)) == "fallback"
    assert (call.trace[-1].action, call.trace[-1].error) == ("fallback", reason)
    assert call.acd.queued and call.destination == "Stocks"


def test_answer_failure_follows_a_wired_failure_exit():
    """An action may choose "failure" itself; a wired failure exit is then followed."""
    g = graph(node("a", "t_answer", {"next": None, "failure": "b"}, answer="failure"), say("b"))
    call = make_call()
    assert run(run_script(g, call)) == "completed"
    assert trail(call) == [("a", "t_answer", "failure"), ("b", "t_say", "next")]


def test_unknown_action_at_run_time_runs_the_fallback_even_with_a_failure_exit():
    """A node whose action no longer exists goes to the fallback (its failure exit is not trusted)."""
    g = graph(node("a", "t_removed", {"failure": "b"}), say("b"))
    call = make_call(fallback_service="Stocks")
    assert run(run_script(g, call)) == "fallback"
    assert [(s.node, s.action) for s in call.trace] == [("a", "t_removed"), ("a", "fallback")]
    assert "unknown action 't_removed'" in call.trace[0].error


def test_missing_node_at_run_time_runs_the_fallback():
    g = graph(say("a", "ghost"))
    call = make_call(fallback_service="Stocks")
    assert run(run_script(g, call)) == "fallback"
    assert "node 'ghost' does not exist" in call.trace[-1].error


def test_an_action_that_ends_the_call_stops_the_script():
    """Queued by an action: the script stops there, without hanging up, with the action's outcome."""
    g = graph(node("q", "t_queue", {"not_queued": None}, service="Bonds"), say("never"))
    call = make_call()
    assert run(run_script(g, call)) == "queued"
    assert call.destination == "Bonds" and not call.media.hung_up
    assert trail(call) == [("q", "t_queue", "queued")]


def test_hang_up_action_outcome():
    call = make_call()
    assert run(run_script(graph(node("h", "t_hangup")), call)) == "hung_up"
    assert call.media.kinds() == ["hangup"]


def test_a_call_already_ended_is_not_run():
    """A call handed over before the script starts keeps its outcome; no step runs."""
    g = graph(node("q", "t_queue", {"not_queued": None}, service="Bonds"))
    call = make_call()
    call.outcome = "transferred"
    assert run(run_script(g, call)) == "transferred"
    assert call.trace == [] and call.acd.queued == []


def test_an_action_that_hands_over_then_raises_still_ends_the_call():
    """The caller was queued before the action raised: the outcome stands, no failure exit, no fallback."""

    class QueueThenFail(Action):
        name = "t_queue_then_fail"
        title = "Queue then fail (test)"

        async def run(self, call, params):
            call.outcome = "queued"
            raise RuntimeError("after queuing")

    register(QueueThenFail)
    try:
        call = make_call(fallback_service="Stocks")
        g = graph(node("q", "t_queue_then_fail", {"failure": "sorry"}), say("sorry"))
        assert run(run_script(g, call)) == "queued"
    finally:
        ACTIONS.pop("t_queue_then_fail")
    assert [(s.node, s.error) for s in call.trace] == [("q", "RuntimeError: after queuing")]
    assert call.acd.queued == [] and not call.media.hung_up


def test_cancellation_propagates_and_is_traced():
    """The caller hanging up cancels the task: CancelledError passes through, the step says "cancelled"."""

    async def scenario():
        call = make_call()
        task = asyncio.create_task(run_script(graph(node("slow", "t_sleep", {"next": None}, deadline=30)), call))
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return call

    call = run(scenario())
    assert [(s.node, s.error) for s in call.trace] == [("slow", "cancelled")]
    assert call.outcome is None and not call.media.hung_up


def test_cancellation_during_the_fallback_propagates():
    """Cancelled while the apology plays: the fallback does not swallow the cancellation."""

    async def scenario():
        call = make_call(media=FakeMedia(hang=["play"]), fallback_service="Stocks")
        task = asyncio.create_task(run_script(graph(node("boom", "t_boom", {"next": None}), apology="sorry"), call))
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return call

    call = run(scenario())
    assert call.acd.queued == []


def test_trace_records_changes_durations_and_order():
    """Each step has its profile changes (before, after), a duration, and start times in order."""
    g = graph(
        node("mark", "t_set", {"next": "nap"}, field="Customer Type", value="VIP"),
        node("nap", "t_sleep", {"next": "again"}, seconds=0.03, deadline=5),
        node("again", "t_set", {"next": None}, field="Customer Type", value="VIP"),
    )
    call = make_call({"Customer Type": "NEW"})
    assert run(run_script(g, call)) == "completed"
    mark, nap, again = call.trace
    assert mark.changes == {"Customer Type": ("NEW", "VIP")}
    assert nap.changes == {} and again.changes == {}
    assert nap.duration_ms >= 25 and mark.duration_ms < 25
    assert mark.started_ms <= nap.started_ms < again.started_ms
    assert again.started_ms >= nap.started_ms + nap.duration_ms
    assert nap.as_dict()["exit"] == "next"
    assert mark.as_dict()["changes"] == {"Customer Type": ["NEW", "VIP"]}


def test_new_fields_are_recorded_from_empty():
    g = graph(node("ask", "t_ask", {"success": None, "timeout": None}, field="Customer ID"))
    call = make_call(keys=["42#"])
    run(run_script(g, call))
    assert call.trace[0].changes == {"Customer ID": ("", "42")}


def test_hangup_failure_at_the_end_still_completes():
    """A hangup that fails at the end does not turn into an exception."""
    call = make_call(media=FakeMedia(fail={"hangup": OSError("gone")}))
    assert run(run_script(graph(say("a")), call)) == "completed"


def test_the_subscript_hook_is_set_during_the_run_and_restored_after():
    call = make_call()
    seen = []

    class Probe:
        async def play(self, prompts, *, language):
            seen.append(call.run_subscript)

        async def hangup(self):
            pass

    call.media = Probe()
    run(run_script(graph(say("a")), call))
    assert seen[0] is not None and call.run_subscript is None


def test_hand_back_run_ends_without_hanging_up_and_fails_without_the_fallback():
    """A service's IVR application (hand_back): its end returns "returned" and the caller is not hung up;
    a failure with no failure exit is traced and also returns "returned" — no apology, no fallback queue,
    no hang-up: the caller keeps their place in the queue."""
    ended = graph(say("hello", prompt="while_you_wait"))
    call = make_call(acd=FakeAcd())
    assert run(run_script(ended, call, hand_back=True)) == "returned"
    assert call.media.kinds() == ["play"] and call.outcome is None

    broken = graph(node("boom", "t_boom", {"next": None}, message="db down"))
    call = make_call(acd=FakeAcd())
    call.fallback_service = "Customer Care"
    assert run(run_script(broken, call, hand_back=True)) == "returned"
    assert call.media.kinds() == [] and call.acd.queued == []
    assert [(s.action, s.exit) for s in call.trace] == [("t_boom", None), ("fallback", "returned")]
