"""Subscript: with return -> next; without return -> the subscript's end ends the call; failures."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from tests.scripts_app.fakes import FakeScripts, make_call, run_action

GRAPH = object()


def call_with(result, *, ends_with=None):
    """A call whose interpreter hook 'runs' GRAPH: sets `ends_with` as the outcome, returns `result`."""
    ran = []

    async def run_subscript(graph):
        ran.append(graph)
        if ends_with:
            call.outcome = ends_with
        return result

    call = make_call(scripts=FakeScripts({"Verify PIN": GRAPH}), run_subscript=run_subscript)
    return call, ran


def test_with_return_continues_at_next():
    call, ran = call_with("returned")
    assert run_action("subscript", {"script": "Verify PIN", "return": True}, call) == "next"
    assert ran == [("Verify PIN", GRAPH)] and call.scripts.loaded == ["Verify PIN"] and not call.ended


def test_without_return_the_end_of_the_subscript_ends_the_call():
    call, _ = call_with("returned")
    assert run_action("subscript", {"script": "Verify PIN", "return": False}, call) == "completed"
    assert call.media.hung_up and call.outcome == "completed"


@pytest.mark.parametrize("returns", [True, False])
def test_a_subscript_that_queues_ends_the_call_with_its_outcome(returns):
    call, _ = call_with("queued", ends_with="queued")
    assert run_action("subscript", {"script": "Verify PIN", "return": returns}, call) == "queued"
    assert call.outcome == "queued" and not call.media.hung_up


def test_an_unknown_script_fails():
    call, ran = call_with("returned")
    with pytest.raises(ActionFailed, match="no published script named 'Nope'"):
        run_action("subscript", {"script": "Nope"}, call)
    assert ran == []


def test_no_loader_fails():
    with pytest.raises(ActionFailed):
        run_action("subscript", {"script": "Verify PIN"}, make_call())


def test_a_subscript_that_neither_returns_nor_ends_the_call_fails():
    call, _ = call_with("fallback")
    with pytest.raises(ActionFailed, match="fallback"):
        run_action("subscript", {"script": "Verify PIN"}, call)


def test_exits_depend_on_return():
    action = get_action("subscript")
    assert action.exits({"script": "x"}) == ("next",)
    assert action.exits({"script": "x", "return": True}) == ("next",)
    assert action.exits({"script": "x", "return": False}) == ()
    assert action.exits({"script": "x", "return": "false"}) == ()
