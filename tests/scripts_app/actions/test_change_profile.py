"""Change Profile: literals, %Field% references and concatenation, arithmetic; all or nothing."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import make_call, make_env, run_action


def change(profile, *assignments):
    call = make_call(profile)
    assert run_action("change_profile", {"assignments": list(assignments)}, call) == "next"
    return call.profile


def test_literals_set_mandatory_and_user_fields():
    profile = change(
        {},
        {"field": "Service", "value": "Stocks"},
        {"field": "Priority", "value": 5},
        {"field": "Language", "value": "4"},
        {"field": "ANI", "value": "+15550001111"},
        {"field": "Customer Type", "value": ""},
    )
    assert profile["Service"] == "Stocks" and profile["Priority"] == "5" and profile["Language"] == "4"
    assert profile["ANI"] == "+15550001111" and profile["Customer Type"] == ""


def test_references_and_concatenation_are_text():
    profile = change(
        {"Customer Name": "Dana", "Customer Type": "STOCKS"},
        {"field": "Customer Number", "value": "%ANI%"},
        {"field": "Caller Name", "value": "%Customer Name% (%Customer Type%)"},
        {"field": "Email Subject", "value": "50% off, %Unknown Thing% stays"},
    )
    assert profile["Customer Number"] == "+15551234567"
    assert profile["Caller Name"] == "Dana (STOCKS)"
    assert profile["Email Subject"] == "50% off, %Unknown Thing% stays"


def test_a_later_assignment_sees_an_earlier_one():
    profile = change({}, {"field": "Customer Type", "value": "BONDS"}, {"field": "Service", "value": "%Customer Type%"})
    assert profile["Service"] == "BONDS"


@pytest.mark.parametrize(
    ("expression", "field", "expected"),
    [
        ("=%Priority% + 2", "Priority", "5"),
        ("=%Balance% * 1.05", "Balance", "105.00"),
        ("=%Balance% / 3", "Balance", "33.33"),
        ("=(%Priority% + 1) * -2", "Priority", "-8"),
        ("=10 / 4", "Account Count", "2.5"),
        ("=%Account Count% + 1", "Account Count", "1"),  # an empty field counts as 0
        ("= 7", "Customer Type", "7"),
    ],
)
def test_arithmetic(expression, field, expected):
    profile = change({"Priority": "3", "Balance": "100"}, {"field": field, "value": expression})
    assert profile[field] == expected


@pytest.mark.parametrize("expression", ["=%Customer Type% + 1", "=1 / 0", "=1 +", "=abc"])
def test_arithmetic_errors_fail_and_change_nothing(expression):
    call = make_call({"Customer Type": "STOCKS"})
    before = dict(call.profile)
    with pytest.raises(ActionFailed):
        run_action(
            "change_profile",
            {"assignments": [{"field": "Service", "value": "X"}, {"field": "Priority", "value": expression}]},
            call,
        )
    assert call.profile == before


def test_malformed_assignments_fail():
    for assignments in ("Service=X", ["Service=X"], [{"value": "x"}]):
        with pytest.raises(ActionFailed):
            run_action("change_profile", {"assignments": assignments}, make_call())


def check(assignments):
    node = Node("c", "change_profile", {"assignments": assignments})
    return [e.id for e in get_action("change_profile").check(node, make_env())]


@pytest.mark.parametrize(
    ("assignments", "ids"),
    [
        ([{"field": "Service", "value": "Stocks"}, {"field": "Priority", "value": "=%Priority% + 1"}], []),
        ([{"field": "Balance", "value": "%Account Count%"}], []),
        ("x", ["scripts.E055"]),
        ([], ["scripts.E055"]),
        ([{"field": "Service"}, {"field": "Service", "value": ["a"]}], ["scripts.E055"]),
        ([{"field": "Servise", "value": "x"}], ["scripts.E056"]),
        ([{"field": "Service", "value": "%Servise%"}], ["scripts.E056"]),
        ([{"field": "Priority", "value": "=%Nope% + 1"}], ["scripts.E056"]),
        ([{"field": "Priority", "value": "=(1 + 2"}], ["scripts.E061"]),
        ([{"field": "Priority", "value": "high"}], ["scripts.E059"]),
        ([{"field": "Language", "value": "7"}], ["scripts.E059"]),
        ([{"field": "Due Date", "value": "=1 + 1"}], ["scripts.E059"]),
        ([{"field": "Due Date", "value": "2026-02-30"}], ["scripts.E059"]),
    ],
)
def test_check(assignments, ids):
    assert check(assignments) == ids


def test_required_assignments_are_left_to_the_generic_check():
    action = get_action("change_profile")
    assert action.check(Node("c", "change_profile", {}), make_env()) == []
    assert action.exits({}) == ("next",) and not action.interacts
