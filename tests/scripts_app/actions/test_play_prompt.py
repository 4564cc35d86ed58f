"""Play Prompt plays its prompts in order in the call's language."""

from scripts_app.engine.actions import get_action
from tests.scripts_app.fakes import make_call, run_action


def test_plays_the_prompts_in_order_and_exits_next():
    call = make_call({"Language": "2"})
    assert run_action("play_prompt", {"prompts": ["welcome", "menu"]}, call) == "next"
    assert call.media.events == [("play", ("welcome", "menu"), 2)]


def test_no_prompts_plays_nothing():
    call = make_call()
    assert run_action("play_prompt", {"prompts": []}, call) == "next"
    assert call.media.events == []


def test_declares_one_exit_and_interacts():
    action = get_action("play_prompt")
    assert action.exits({}) == ("next",) and action.interacts
    assert action.deadline({}) >= 60
