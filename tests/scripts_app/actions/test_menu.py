"""Menu: one exit per key offered, timeout and invalid after retries."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import make_call, make_env, run_action

PARAMS = {"prompt": ["main_menu"], "choices": "12*#", "invalid_prompt": ["wrong_key"], "retries": 1}


@pytest.mark.parametrize("key", ["1", "2", "*", "#"])
def test_each_offered_key_is_its_own_exit(key):
    call = make_call(keys=[key])
    assert run_action("menu", PARAMS, call) == key
    (collect,) = call.media.collects
    assert collect["max_digits"] == 1 and collect["terminator"] == "" and collect["prompts"] == ["main_menu"]


def test_a_key_not_offered_plays_the_invalid_prompt_and_asks_again():
    call = make_call(keys=["9", "2"])
    assert run_action("menu", PARAMS, call) == "2"
    assert call.media.prompts_played == ["main_menu", "wrong_key", "main_menu"]


def test_invalid_after_the_retries():
    call = make_call(keys=["9", "7"])
    assert run_action("menu", PARAMS, call) == "invalid"
    assert call.media.prompts_played.count("wrong_key") == 2


def test_timeout_after_the_retries():
    call = make_call(keys=[])
    assert run_action("menu", {**PARAMS, "timeout": 4}, call) == "timeout"
    assert [c["first_timeout"] for c in call.media.collects] == [4.0, 4.0]


def test_the_last_attempt_decides():
    assert run_action("menu", PARAMS, make_call(keys=["", "9"])) == "invalid"
    assert run_action("menu", PARAMS, make_call(keys=["9", ""])) == "timeout"


def test_a_menu_without_keys_fails():
    with pytest.raises(ActionFailed):
        run_action("menu", {"choices": ""}, make_call(keys=["1"]))


def test_exits_are_the_keys_then_timeout_and_invalid():
    action = get_action("menu")
    assert action.exits({"choices": "31"}) == ("3", "1", "timeout", "invalid")
    assert action.exits({"choices": ["1", "#"]}) == ("1", "#", "timeout", "invalid")
    assert action.exits({"choices": 12}) == ("timeout", "invalid")
    assert action.exits({}) == ("timeout", "invalid")
    assert action.interacts and action.deadline(PARAMS) > 10


@pytest.mark.parametrize(
    ("choices", "ids"),
    [
        ("123", []),
        ("", ["scripts.E054"]),
        ("1a", ["scripts.E054"]),
        ("11", ["scripts.E054"]),
        (["12"], ["scripts.E054"]),
    ],
)
def test_check_choices(choices, ids):
    node = Node("m", "menu", {"choices": choices})
    assert [e.id for e in get_action("menu").check(node, make_env())] == ids


def test_check_timeout_and_retries():
    node = Node("m", "menu", {"choices": "1", "timeout": 0, "retries": -2})
    assert [e.id for e in get_action("menu").check(node, make_env())] == ["scripts.E053", "scripts.E053"]
