"""The validator, shape and parameters (E001–E009): each id with a graph that triggers it and one that does not."""

from __future__ import annotations

import re

import pytest

from scripts_app.engine.validate import validate_graph_json, validate_script
from tests.scripts_app.engine.support import graph, ids, node, only, say

pytestmark = pytest.mark.usefixtures("test_actions")

ID = re.compile(r"scripts\.E\d{3}")


def test_a_correct_graph_has_no_errors(env):
    """A small well-formed graph (ask, set, check, queue) validates clean."""
    g = graph(
        node("ask", "t_ask", {"success": "mark", "timeout": None}, field="Customer ID", max_digits=6),
        node("mark", "t_set", {"next": "is_vip"}, field="Customer Type", value="VIP"),
        node("is_vip", "t_check", {"true": "queue", "false": None}, field="Customer Type", value="VIP"),
        node("queue", "t_queue", {"not_queued": None, "failure": None}, service="Stocks"),
    )
    assert validate_script(g, env) == []


def test_e001_malformed_json_names_the_path(env):
    """Malformed graph JSON gives one E001 whose message carries the path of the bad element."""
    data = {"start": "a", "nodes": [say("a"), {"id": "b", "action": "t_say", "exits": {"next": 5}}]}
    errors = validate_graph_json(data, env)
    assert ids(errors) == ["scripts.E001"]
    assert "nodes[1].exits.next" in errors[0].message


def test_e001_not_for_well_formed_json(env):
    """Well-formed JSON is validated as a graph: no E001."""
    assert validate_graph_json({"start": "a", "nodes": [say("a")]}, env) == []


def test_e001_top_level_not_an_object(env):
    """A JSON value that is not an object is malformed at the top level."""
    errors = validate_graph_json(["not", "a", "graph"], env)
    assert ids(errors) == ["scripts.E001"] and "top level" in errors[0].message


def test_e002_start_node_missing(env):
    """A start naming no node is E002, suggesting the closest node id."""
    errors = validate_script(graph(say("hello"), start="helo"), env)
    assert ids(errors) == ["scripts.E002"]
    assert "'hello'" in errors[0].message


def test_e002_not_when_start_exists(env):
    assert "scripts.E002" not in ids(validate_script(graph(say("hello")), env))


def test_e003_unknown_action_lists_closest_names(env):
    """An unknown action is E003 on its node, naming the closest registered action."""
    errors = validate_script(graph(node("a", "t_sya", {"next": None}, prompts=["x"])), env)
    assert ids(errors) == ["scripts.E003"]
    assert errors[0].node == "a" and "'t_say'" in errors[0].message


def test_e003_not_for_registered_action(env):
    assert "scripts.E003" not in ids(validate_script(graph(say("a")), env))


def test_e004_missing_required_parameter(env):
    """A required parameter absent (or null) is E004 naming the parameter."""
    errors = validate_script(graph(node("a", "t_set", {"next": None}, field="Customer ID")), env)
    assert ids(errors) == ["scripts.E004"]
    assert errors[0].param == "value"
    errors = validate_script(graph(node("a", "t_set", {"next": None}, field="Customer ID", value=None)), env)
    assert ids(errors) == ["scripts.E004"]


def test_e004_not_when_optional_parameter_absent(env):
    """Optional parameters (max_digits, terminator, pattern) may be left out."""
    g = graph(node("a", "t_ask", {"success": None, "timeout": None}, field="Customer ID"))
    assert validate_script(g, env) == []


def test_e005_unknown_parameter_suggests_closest(env):
    """A parameter the action does not have is E005, with the closest declared name."""
    errors = validate_script(graph(say("a", promts=["x"])), env)
    assert ids(errors) == ["scripts.E005"]
    assert errors[0].param == "promts" and "'prompts'" in errors[0].message


def test_e005_not_for_declared_parameters(env):
    assert "scripts.E005" not in ids(validate_script(graph(say("a")), env))


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("count", "twelve"),
        ("count", True),
        ("count", 1.5),
        ("seconds", "soon"),
        ("seconds", float("inf")),
        ("seconds", False),
        ("flag", "yes"),
        ("mode", "medium"),
        ("text", 5),
        ("prompt", ["a"]),
    ],
)
def test_e006_wrong_kind(env, param, value):
    """A value of the wrong kind (int, float, bool, choice, text, prompt) is E006 on that parameter."""
    errors = validate_script(graph(node("a", "t_kinds", {"next": None}, **{param: value})), env)
    assert ids(errors) == ["scripts.E006"]
    assert errors[0].param == param


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("count", 12),
        ("count", "12"),
        ("count", "-3"),
        ("seconds", 2.5),
        ("seconds", "2.5"),
        ("seconds", 3),
        ("flag", False),
        ("mode", "slow"),
        ("text", ""),
        ("data", {"anything": [1, 2]}),
        ("prompt", "welcome"),
    ],
)
def test_e006_not_for_right_kind(env, param, value):
    errors = validate_script(graph(node("a", "t_kinds", {"next": None}, **{param: value})), env)
    assert errors == []


def test_e006_digits_regex_prompts_and_fields(env):
    """Digits must be DTMF, a regex must compile, prompts must be a list of names, a field must be text."""
    bad = graph(
        node("a", "t_ask", {"success": "b", "timeout": None}, field="Customer ID", terminator="x", pattern="(12"),
        node("b", "t_say", {"next": "c"}, prompts=["ok", 7]),
        node("c", "t_set", {"next": None}, field=3, value="v"),
    )
    errors = validate_script(bad, env)
    assert [(e.id, e.node, e.param) for e in errors] == [
        ("scripts.E006", "a", "terminator"),
        ("scripts.E006", "a", "pattern"),
        ("scripts.E006", "b", "prompts"),
        ("scripts.E006", "c", "field"),
    ]
    good = graph(
        node("a", "t_ask", {"success": "b", "timeout": None}, field="Customer ID", terminator="*", pattern=r"\d+"),
        node("b", "t_say", {"next": None}, prompts="ok"),
    )
    assert validate_script(good, env) == []


def test_e006_null_for_a_parameter_with_a_default(env):
    """null where the action expects a value with a default is E006 (the action would get None)."""
    errors = validate_script(
        graph(node("a", "t_ask", {"success": None, "timeout": None}, field="Customer ID", max_digits=None)), env
    )
    assert ids(errors) == ["scripts.E006"]


def test_e007_unwired_exit(env):
    """An exit the action declares that the node leaves out is E007, naming the exit."""
    errors = validate_script(graph(node("a", "t_ask", {"success": None}, field="Customer ID")), env)
    assert ids(errors) == ["scripts.E007"]
    assert errors[0].param == "timeout"


def test_e007_not_for_exit_wired_to_null(env):
    """null is a wiring: the script ends there."""
    g = graph(node("a", "t_ask", {"success": None, "timeout": None}, field="Customer ID"))
    assert "scripts.E007" not in ids(validate_script(g, env))


def test_e007_follows_parameter_dependent_exits(env):
    """Exits that depend on parameters (Action.exits) are the ones that must be wired."""
    g = graph(node("a", "t_checked", {"yes": None}, outs=["yes", "no"]))
    errors = validate_script(g, env)
    assert [(e.id, e.param) for e in errors] == [("scripts.E007", "no")]


def test_e008_exit_to_missing_node(env):
    """An exit naming a node that does not exist is E008, suggesting the closest id."""
    errors = validate_script(graph(say("a", nxt="goodbye"), say("good_bye")), env)
    e008 = only(errors, "scripts.E008")
    assert len(e008) == 1 and e008[0].node == "a" and "'good_bye'" in e008[0].message


def test_e008_not_for_existing_target(env):
    assert validate_script(graph(say("a", nxt="b"), say("b")), env) == []


def test_e009_exit_the_action_does_not_have(env):
    """An exit the action does not declare is E009; "failure" is allowed on every node."""
    errors = validate_script(graph(node("a", "t_say", {"next": None, "maybe": None}, prompts=["x"])), env)
    assert [(e.id, e.param) for e in errors] == [("scripts.E009", "maybe")]
    ok = graph(node("a", "t_say", {"next": None, "failure": None}, prompts=["x"]))
    assert validate_script(ok, env) == []
