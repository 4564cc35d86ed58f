"""Wait pauses for N seconds."""

from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import make_call, make_env, run_action


def test_waits_the_given_seconds():
    call = make_call()
    assert run_action("wait", {"seconds": 2.5}, call) == "next"
    assert call.media.events == [("wait", 2.5)]


def test_check_refuses_negative_seconds():
    action = get_action("wait")
    assert [e.id for e in action.check(Node("w", "wait", {"seconds": -1}), make_env())] == ["scripts.E053"]
    assert action.interacts and action.exits({}) == ("next",)
    assert action.deadline({"seconds": 30}) > 30
