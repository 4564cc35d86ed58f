"""Goto has a single exit, next: the wiring is the jump."""

from scripts_app.engine.actions import get_action
from tests.scripts_app.fakes import make_call, run_action


def test_goto_takes_next_and_touches_nothing():
    call = make_call()
    before = dict(call.profile)
    assert run_action("goto", {}, call) == "next"
    assert call.profile == before and call.media.events == [] and not call.ended


def test_goto_declares_next_only_and_does_not_interact():
    action = get_action("goto")
    assert action.exits({}) == ("next",) and not action.interacts and action.params == ()
