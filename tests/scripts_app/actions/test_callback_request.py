"""Callback Request: enter a number, hear it read back, 1 confirms and 2 re-enters; the ACD registers it."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import FakeAcd, make_call, make_env, run_action

PARAMS = {
    "prompt": ["enter_number"],
    "confirm_prompt": ["you_entered"],
    "confirm_menu_prompt": ["press_1_or_2"],
    "done_prompt": ["we_will_call"],
    "invalid_prompt": ["invalid"],
    "retries": 1,
}


def test_a_confirmed_number_is_stored_and_requested():
    call = make_call(keys=["5551234567#", "1"])
    assert run_action("callback_request", PARAMS, call) == "requested"
    assert call.profile["Call Back Destination"] == "5551234567"
    assert call.profile["Primary Call Back Destination"] == "5551234567"
    ((call_id, profile),) = call.acd.callbacks
    assert call_id == "call-1" and profile["Call Back Destination"] == "5551234567"
    assert call.media.kinds() == ["collect", "play", "say", "collect", "play"]
    assert call.media.said == [("5551234567", "digits")]
    assert call.media.prompts_played == ["enter_number", "you_entered", "press_1_or_2", "we_will_call"]
    assert not call.ended  # the script goes on (a goodbye, a hang up)


def test_two_re_enters_the_number():
    call = make_call(keys=["5550000000#", "2", "5559999999#", "1"])
    assert run_action("callback_request", PARAMS, call) == "requested"
    assert call.profile["Call Back Destination"] == "5559999999"
    assert call.media.said == [("5550000000", "digits"), ("5559999999", "digits")]


def test_silence_takes_timeout():
    call = make_call(keys=[])
    assert run_action("callback_request", PARAMS, call) == "timeout"
    assert call.acd.callbacks == [] and "Call Back Destination" not in call.profile


def test_silence_at_the_confirmation_counts_as_timeout():
    call = make_call(keys=["5551234567#", "", "5551234567#", ""])
    assert run_action("callback_request", PARAMS, call) == "timeout"
    assert call.acd.callbacks == []


def test_a_short_number_is_invalid():
    call = make_call(keys=["12#", "34#"])
    assert run_action("callback_request", PARAMS, call) == "invalid"
    assert call.media.prompts_played.count("invalid") == 2


def test_a_wrong_key_at_the_confirmation_is_invalid():
    call = make_call(keys=["5551234567#", "7", "5551234567#", "2"])
    assert run_action("callback_request", PARAMS, call) == "invalid"
    assert call.media.prompts_played.count("invalid") == 1  # "2" (re-enter) is not a wrong key
    assert call.acd.callbacks == []


def test_the_acd_refusing_fails():
    call = make_call(keys=["5551234567#", "1"], acd=FakeAcd(callback_ok=False))
    with pytest.raises(ActionFailed, match="refused"):
        run_action("callback_request", PARAMS, call)
    assert "we_will_call" not in call.media.prompts_played


def test_declaration_and_check():
    action = get_action("callback_request")
    assert action.exits({}) == ("requested", "timeout", "invalid") and action.interacts
    node = Node("c", "callback_request", {"min_digits": 20, "max_digits": 10})
    assert [e.id for e in action.check(node, make_env())] == ["scripts.E051"]
    assert action.deadline({}) > action.deadline({"retries": 0})
