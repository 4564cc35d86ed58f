"""Get Digits: limits, terminator, timeouts, retries, invalid prompt, pattern; exits success, timeout, invalid."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import make_call, make_env, run_action

PARAMS = {"prompt": ["enter_customer_id"], "field": "Customer ID", "max_digits": 6, "invalid_prompt": ["invalid"]}


def test_success_stores_the_entry_without_the_terminator():
    call = make_call(keys=["1001#"])
    assert run_action("get_digits", PARAMS, call) == "success"
    assert call.profile["Customer ID"] == "1001"
    (collect,) = call.media.collects
    assert collect["prompts"] == ["enter_customer_id"] and collect["terminator"] == "#"
    assert collect["max_digits"] == 6 and collect["first_timeout"] == 5.0 and collect["inter_timeout"] == 3.0


def test_collection_settings_reach_the_media_port():
    call = make_call(keys=["12*"])
    params = {**PARAMS, "terminator": "*", "first_timeout": "8", "inter_timeout": 2, "max_digits": "4"}
    assert run_action("get_digits", params, call) == "success"
    assert call.profile["Customer ID"] == "12"
    assert call.media.collects[0] | {"typed": None} == {
        "prompts": ["enter_customer_id"],
        "max_digits": 4,
        "terminator": "*",
        "first_timeout": 8.0,
        "inter_timeout": 2.0,
        "typed": None,
        "returned": "12",
    }


def test_silence_replays_the_prompt_then_takes_timeout():
    call = make_call({"Customer ID": "old"}, keys=["", "", ""])
    assert run_action("get_digits", PARAMS, call) == "timeout"
    assert len(call.media.collects) == 3  # first attempt + 2 retries (the default)
    assert call.profile["Customer ID"] == "old"
    assert "invalid" not in call.media.prompts_played


def test_a_retry_after_silence_can_still_succeed():
    call = make_call(keys=["", "42#"])
    assert run_action("get_digits", PARAMS, call) == "success"
    assert call.profile["Customer ID"] == "42"


def test_too_short_entries_play_the_invalid_prompt_and_take_invalid_after_the_retries():
    call = make_call(keys=["1#", "2#"])
    params = {**PARAMS, "min_digits": 4, "retries": 1}
    assert run_action("get_digits", params, call) == "invalid"
    assert call.media.prompts_played == ["enter_customer_id", "invalid", "enter_customer_id", "invalid"]
    assert "Customer ID" not in call.profile


def test_the_last_attempt_decides_between_timeout_and_invalid():
    assert run_action("get_digits", {**PARAMS, "retries": 1}, make_call(keys=["", "x#"])) == "invalid"
    assert run_action("get_digits", {**PARAMS, "retries": 1}, make_call(keys=["x#", ""])) == "timeout"


def test_the_pattern_must_match_the_whole_entry():
    params = {**PARAMS, "pattern": r"10\d\d", "retries": 0}
    assert run_action("get_digits", params, make_call(keys=["1001#"])) == "success"
    assert run_action("get_digits", params, make_call(keys=["10012#"])) == "invalid"
    assert run_action("get_digits", params, make_call(keys=["2001#"])) == "invalid"


def test_max_digits_ends_the_entry_without_a_terminator():
    call = make_call(keys=["1234567"])
    assert run_action("get_digits", {**PARAMS, "max_digits": 3}, call) == "success"
    assert call.profile["Customer ID"] == "123"


def test_zero_retries_means_one_attempt():
    call = make_call(keys=["", "1#"])
    assert run_action("get_digits", {**PARAMS, "retries": 0}, call) == "timeout"
    assert len(call.media.collects) == 1


def test_broken_parameters_fail_instead_of_guessing():
    with pytest.raises(ActionFailed):
        run_action("get_digits", {**PARAMS, "min_digits": 5, "max_digits": 2}, make_call(keys=["1"]))
    with pytest.raises(ActionFailed):
        run_action("get_digits", {**PARAMS, "pattern": "("}, make_call(keys=["1"]))


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        ({"min_digits": 5, "max_digits": 2}, ["scripts.E051"]),
        ({"max_digits": 0, "min_digits": 0}, ["scripts.E051"]),
        ({"min_digits": -1}, ["scripts.E051"]),
        ({"terminator": "5"}, ["scripts.E052"]),
        ({"first_timeout": 0, "inter_timeout": -1}, ["scripts.E053", "scripts.E053"]),
        ({"retries": -1}, ["scripts.E053"]),
        ({"terminator": "", "retries": 0, "min_digits": "2", "max_digits": "8"}, []),
    ],
)
def test_check(params, ids):
    node = Node("g", "get_digits", {"field": "Customer ID", **params})
    assert [e.id for e in get_action("get_digits").check(node, make_env())] == ids


def test_declared_exits_and_deadline():
    action = get_action("get_digits")
    assert action.exits({}) == ("success", "timeout", "invalid") and action.interacts
    assert action.deadline({"retries": 2, "max_digits": 6}) > 3 * (5 + 6 * 3)
