"""Hang Up disconnects the caller and ends the script."""

from scripts_app.engine.actions import get_action
from tests.scripts_app.fakes import make_call, run_action


def test_hang_up_disconnects_and_sets_the_outcome():
    call = make_call()
    assert run_action("hang_up", {}, call) == "hung_up"
    assert call.media.hung_up and call.outcome == "hung_up" and call.ended


def test_hang_up_has_no_exits():
    assert get_action("hang_up").exits({}) == ()
