"""Announce: prompts, then a profile field spoken in a format and the call's language, then closing prompts."""

import pytest

from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import make_call, make_env, run_action


def test_plays_prompts_speaks_the_field_in_the_format_then_closing_prompts():
    call = make_call({"Balance": "2500.75", "Language": "4"})
    params = {"prompts": ["your_balance_is"], "field": "Balance", "format": "currency", "after_prompts": ["bye"]}
    assert run_action("announce", params, call) == "next"
    assert call.media.events == [
        ("play", ("your_balance_is",), 4),
        ("say", "2500.75", "currency", 4),
        ("play", ("bye",), 4),
    ]


@pytest.mark.parametrize(
    ("field", "value", "spoken_as"),
    [
        ("Balance", "100.00", "currency"),
        ("Account Count", "3", "number"),
        ("Due Date", "2026-12-31", "date"),
        ("ACD Enter Time", "09:15:00", "time"),
        ("ANI", "+15551234567", "digits"),
        ("Customer Type", "STOCKS", "text"),
    ],
)
def test_without_a_format_the_field_type_decides(field, value, spoken_as):
    call = make_call({field: value})
    run_action("announce", {"field": field}, call)
    assert call.media.said == [(value, spoken_as)]


def test_an_empty_field_is_not_spoken():
    call = make_call({"Balance": " "})
    assert run_action("announce", {"prompts": ["hello"], "field": "Balance"}, call) == "next"
    assert call.media.kinds() == ["play"]


def test_a_single_prompt_name_is_accepted_and_language_defaults_to_english():
    call = make_call({"Language": "9"})
    run_action("announce", {"prompts": "welcome"}, call)
    assert call.media.events == [("play", ("welcome",), 0)]


def test_an_unknown_format_fails():
    from scripts_app.actions._common import ActionFailed

    with pytest.raises(ActionFailed, match="format"):
        run_action("announce", {"field": "Balance", "format": "roman"}, make_call({"Balance": "1"}))


def test_check_requires_prompts_or_a_field():
    action = get_action("announce")
    errors = action.check(Node("a", "announce", {}), make_env())
    assert [e.id for e in errors] == ["scripts.E050"]
    assert action.check(Node("a", "announce", {"field": "Balance"}), make_env()) == []
    assert action.interacts and action.exits({}) == ("next",)
