"""Decision: conditions compared by the field's data type, AND/OR, true/false or named cases and default."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import make_call, make_env, run_action


def decide(profile, *conditions, combine="all"):
    return run_action("decision", {"conditions": list(conditions), "combine": combine}, make_call(profile))


def cond(field, op, value=None):
    return {"field": field, "op": op} | ({} if value is None else {"value": value})


@pytest.mark.parametrize(
    ("field", "value", "op", "other", "expected"),
    [
        ("Customer Type", "STOCKS", "=", "STOCKS", "true"),
        ("Customer Type", "STOCKS", "=", "stocks", "false"),  # text is case-sensitive
        ("Customer Type", "STOCKS", "≠", "BONDS", "true"),
        ("Customer Type", "STOCKS", "!=", "STOCKS", "false"),
        ("Balance", "2500.75", ">", "1000", "true"),
        ("Balance", "900", ">", "1000", "false"),  # numerically, not as text ("900" > "1000")
        ("Balance", "$1,250.50", ">=", "1250.5", "true"),
        ("Balance", "100.00", "=", "100", "true"),
        ("Balance", "100.00", "≤", "99.99", "false"),
        ("Balance", "99.99", "<=", "100", "true"),
        ("Account Count", "10", "<", "9", "false"),
        ("Account Count", "3", "≥", "3", "true"),
        ("Due Date", "2026-03-01", "<", "2026-12-31", "true"),
        ("Due Date", "03/01/2026", "=", "2026-03-01", "true"),
        ("ACD Enter Time", "09:05", "<", "10:00:00", "true"),
        ("ACD Enter Time", "17:30:01", "<", "17:30", "false"),
        ("Customer Type", "PREMIUM STOCKS", "contains", "STOCKS", "true"),
        ("Customer Type", "PREMIUM STOCKS", "contains", "BONDS", "false"),
        ("ANI", "+15551234567", "starts_with", "+1555", "true"),
        ("ANI", "+15551234567", "starts_with", "+44", "false"),
        ("Customer ID", "1001", "matches", r"10\d\d", "true"),
        ("Customer ID", "10012", "matches", r"10\d\d", "false"),  # the whole value must match
        ("Customer Type", "BONDS", "in_list", ["STOCKS", "BONDS"], "true"),
        ("Customer Type", "CASH", "in_list", "STOCKS, BONDS", "false"),
        ("Balance", "100.0", "in_list", "50, 100", "true"),
    ],
)
def test_operators_by_data_type(field, value, op, other, expected):
    assert decide({field: value}, cond(field, op, other)) == expected


def test_is_empty():
    assert decide({"Customer Type": " "}, cond("Customer Type", "is_empty")) == "true"
    assert decide({}, cond("Customer Type", "is_empty")) == "true"
    assert decide({"Customer Type": "X"}, cond("Customer Type", "is_empty")) == "false"


def test_unreadable_typed_values_compare_as_text_for_equality_and_never_order():
    assert decide({"Balance": ""}, cond("Balance", "<", "100")) == "false"
    assert decide({"Balance": ""}, cond("Balance", ">", "100")) == "false"
    assert decide({"Balance": "n/a"}, cond("Balance", "=", "n/a")) == "true"
    assert decide({"Balance": ""}, cond("Balance", "!=", "0")) == "true"


def test_values_may_refer_to_other_fields():
    profile = {"Balance": "150", "Account Count": "100"}
    assert decide(profile, cond("Balance", ">", "%Account Count%")) == "true"
    assert decide({"Customer Type": "A", "Customer ID": "A"}, cond("Customer Type", "=", "%Customer ID%")) == "true"


def test_numbers_in_json_compare_as_numbers():
    assert decide({"Balance": "10.0"}, cond("Balance", "=", 10)) == "true"


def test_all_is_and_any_is_or():
    profile = {"Customer Type": "STOCKS", "Balance": "10"}
    rich, stocks = cond("Balance", ">", "1000"), cond("Customer Type", "=", "STOCKS")
    assert decide(profile, rich, stocks) == "false"
    assert decide(profile, rich, stocks, combine="any") == "true"
    assert decide(profile, stocks, combine="all") == "true"


CASES = {
    "cases": [
        {"name": "gold", "conditions": [cond("Balance", ">=", "10000")]},
        {
            "name": "stocks",
            "conditions": [cond("Customer Type", "=", "STOCKS"), cond("Customer Type", "=", "Stocks")],
            "combine": "any",
        },
    ]
}


@pytest.mark.parametrize(
    ("profile", "exit_name"),
    [
        ({"Balance": "20000", "Customer Type": "STOCKS"}, "gold"),  # the first case that holds wins
        ({"Balance": "5", "Customer Type": "Stocks"}, "stocks"),
        ({"Balance": "5", "Customer Type": "BONDS"}, "default"),
    ],
)
def test_cases_are_tried_in_order_then_default(profile, exit_name):
    assert run_action("decision", CASES, make_call(profile)) == exit_name


def test_exits():
    action = get_action("decision")
    assert action.exits({"conditions": []}) == ("true", "false")
    assert action.exits(CASES) == ("gold", "stocks", "default")
    assert action.exits({"cases": [{"name": "a"}, {"name": "a"}, {"name": "default"}, "junk"]}) == ("a", "default")
    assert action.exits({"cases": "junk"}) == ("default",)
    assert not action.interacts


def test_broken_conditions_fail_at_run_time():
    for params in (
        {"conditions": "Balance > 1"},
        {"conditions": [cond("Balance", "~", "1")]},
        {"conditions": [{"op": "="}]},
        {"conditions": [cond("Customer ID", "matches", "(")]},
        {"conditions": [cond("Balance", "=", "1")], "combine": "most"},
        {"cases": [{"conditions": [cond("Balance", "is_empty")]}]},
    ):
        with pytest.raises(ActionFailed):
            run_action("decision", params, make_call())


def check(params):
    return [e.id for e in get_action("decision").check(Node("d", "decision", params), make_env())]


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        ({"conditions": [cond("Balance", "≥", "100.00")]}, []),
        ({"conditions": [cond("Customer Type", "in_list", ["A", "B"])], "combine": "any"}, []),
        ({"conditions": [cond("Customer Type", "is_empty")]}, []),
        ({"conditions": [cond("Balance", ">", "%Account Count%")]}, []),
        ({}, ["scripts.E055"]),
        ({"conditions": [], "cases": []}, ["scripts.E055"]),
        ({"conditions": []}, ["scripts.E055"]),
        ({"conditions": ["Balance > 3"]}, ["scripts.E055"]),
        ({"conditions": [{"field": "Balance", "op": "=", "value": "1", "extra": 1}]}, ["scripts.E055"]),
        ({"conditions": [cond("Balance", "=")]}, ["scripts.E055"]),
        ({"conditions": [cond("Balance", "=", "1")], "combine": "xor"}, ["scripts.E055"]),
        ({"conditions": [cond("Balanse", "=", "1")]}, ["scripts.E056"]),
        ({"conditions": [cond("Balance", "=", "%Nope%")]}, ["scripts.E056"]),
        ({"conditions": [cond("Balance", "~", "1")]}, ["scripts.E057"]),
        ({"conditions": [cond("Customer ID", "matches", "([0-9]")]}, ["scripts.E058"]),
        ({"conditions": [cond("Balance", ">", "lots")]}, ["scripts.E059"]),
        ({"conditions": [cond("Due Date", "=", "31.12.2026")]}, ["scripts.E059"]),
        ({"conditions": [cond("ACD Enter Time", "in_list", ["09:00", "25:00"])]}, ["scripts.E059"]),
        ({"conditions": [cond("Balance", "contains", "lots")]}, []),  # text operators take any text
        ({"cases": "x"}, ["scripts.E055"]),
        ({"cases": [{"name": "a", "conditions": [cond("Balance", "is_empty")], "x": 1}]}, ["scripts.E055"]),
        ({"cases": [{"conditions": [cond("Balance", "is_empty")]}]}, ["scripts.E060"]),
        ({"cases": [{"name": "default", "conditions": [cond("Balance", "is_empty")]}]}, ["scripts.E060"]),
        (
            {
                "cases": [
                    {"name": "a", "conditions": [cond("Balance", "is_empty")]},
                    {"name": "a", "conditions": [cond("Nope", "is_empty")]},
                ]
            },
            ["scripts.E060", "scripts.E056"],
        ),
        (CASES, []),
    ],
)
def test_check(params, ids):
    assert check(params) == ids
