"""The validator, references and flow (E010–E019): each id with a graph that triggers it and one that does not."""

from __future__ import annotations

import re

import pytest

from core.problems import Problem
from scripts_app.engine.actions import ACTIONS, Param, register
from scripts_app.engine.validate import validate_script
from tests.scripts_app.engine.fake_actions import Sql
from tests.scripts_app.engine.support import graph, ids, node, say
from tests.scripts_app.fakes import make_env

pytestmark = pytest.mark.usefixtures("test_actions")

ID = re.compile(r"scripts\.E\d{3}")


def test_e010_unreachable_node(env):
    """A node no path from the start reaches is E010."""
    errors = validate_script(graph(say("a"), say("orphan")), env)
    assert [(e.id, e.node) for e in errors] == [("scripts.E010", "orphan")]


def test_e010_not_for_nodes_reached_through_failure_exits(env):
    g = graph(node("a", "t_boom", {"next": None, "failure": "sorry"}), say("sorry"))
    assert validate_script(g, env) == []


def test_e011_unknown_profile_field(env):
    """A field parameter naming no call profile field is E011, suggesting the closest field."""
    errors = validate_script(graph(node("a", "t_set", {"next": None}, field="Custmer ID", value="1")), env)
    assert ids(errors) == ["scripts.E011"]
    assert "'Customer ID'" in errors[0].message


def test_e011_not_for_known_field(env):
    assert validate_script(graph(node("a", "t_set", {"next": None}, field="Customer ID", value="1")), env) == []


def sql_node(connection: str = "CRM", statement: str = "SELECT 1") -> dict:
    return node("q", "t_sql", {"success": None}, connection=connection, statement=statement)


def test_e012_unknown_connection(env):
    """A connection parameter naming no Database Connection is E012."""
    errors = validate_script(graph(sql_node(connection="CRN")), env)
    assert ids(errors) == ["scripts.E012"]
    assert "'CRM'" in errors[0].message


def test_e012_not_for_known_connection(env):
    assert validate_script(graph(sql_node()), env) == []


def test_e013_invalid_sql_carries_issue_id_line_and_column():
    """Each SQL issue becomes an E013 carrying its sql.E id, line and column; the checker gets the database type."""
    calls = []

    def check_sql(statement: str, database_type: str, select_only: bool) -> list[Problem]:
        calls.append((statement, database_type, select_only))
        return [Problem("sql.E003", "Unknown field %Nope%.", line=1, column=30)]

    env = make_env(check_sql=check_sql)
    errors = validate_script(graph(sql_node(statement="SELECT * FROM t WHERE a = %Nope%")), env)
    assert ids(errors) == ["scripts.E013"]
    assert "sql.E003" in errors[0].message and "line 1, column 30" in errors[0].message
    assert calls == [("SELECT * FROM t WHERE a = %Nope%", "sqlite", False)]


def test_e013_not_for_valid_sql_or_without_a_checker():
    """No issues from the checker, or no checker at all: no E013."""
    assert validate_script(graph(sql_node()), make_env(check_sql=lambda s, d, o: [])) == []
    assert validate_script(graph(sql_node(statement="NOT SQL AT ALL")), make_env()) == []


def test_e013_when_the_checker_itself_fails():
    """A checker that raises is reported as E013, not raised."""

    def check_sql(statement: str, database_type: str, select_only: bool) -> list[Problem]:
        raise ValueError("parser crashed")

    errors = validate_script(graph(sql_node()), make_env(check_sql=check_sql))
    assert ids(errors) == ["scripts.E013"] and "parser crashed" in errors[0].message


def test_e014_unknown_service(env):
    """A service parameter naming no service is E014, suggesting the closest."""
    errors = validate_script(graph(node("a", "t_queue", {"not_queued": None}, service="Stock")), env)
    assert ids(errors) == ["scripts.E014"]
    assert "'Stocks'" in errors[0].message


def test_e014_not_for_known_service(env):
    assert validate_script(graph(node("a", "t_queue", {"not_queued": None}, service="Bonds")), env) == []


def test_e015_unknown_script(env):
    """A script parameter naming no published script is E015."""
    errors = validate_script(graph(node("a", "t_sub", {"returned": None}, script="Billing")), env)
    assert ids(errors) == ["scripts.E015"]


def calls(script: str) -> object:
    return graph(node("s", "t_sub", {"returned": None}, script=script))


def test_e015_not_for_published_script():
    env = make_env(scripts={"Billing": graph(say("a"))})
    assert validate_script(graph(node("a", "t_sub", {"returned": None}, script="Billing")), env) == []


def test_e016_subscript_cycle_through_other_scripts():
    """Main → Billing → Help → Main is E016 on the Subscript node, with the whole path."""
    env = make_env(scripts={"Billing": calls("Help"), "Help": calls("Main"), "Main": graph(say("a"))})
    errors = validate_script(calls("Billing"), env, name="Main")
    assert ids(errors) == ["scripts.E016"]
    assert "Main → Billing → Help → Main" in errors[0].message
    assert errors[0].node == "s" and errors[0].param == "script"


def test_e016_script_calling_itself():
    """A script whose Subscript names the script itself is a cycle."""
    env = make_env(scripts={"Main": graph(say("a"))})
    errors = validate_script(calls("Main"), env, name="Main")
    assert ids(errors) == ["scripts.E016"] and "Main → Main" in errors[0].message


def test_e016_reads_json_graphs_of_published_scripts():
    """Published scripts given as JSON (not Graph) are followed too."""
    env = make_env(scripts={"Billing": calls("Main").to_json(), "Main": {}})
    assert ids(validate_script(calls("Billing"), env, name="Main")) == ["scripts.E016"]


def test_e016_not_without_a_cycle_or_without_a_name():
    """Main → Billing → Help (which ends) is no cycle; without the script's name, cycles cannot be known."""
    env = make_env(scripts={"Billing": calls("Help"), "Help": graph(say("a")), "Main": graph(say("a"))})
    assert validate_script(calls("Billing"), env, name="Main") == []
    looping = make_env(scripts={"Billing": calls("Main"), "Main": graph(say("a"))})
    assert validate_script(calls("Billing"), looping) == []
    # a cycle among other scripts that never comes back here is theirs to report
    elsewhere = make_env(scripts={"Billing": calls("Help"), "Help": calls("Billing"), "Main": graph(say("a"))})
    assert validate_script(calls("Billing"), elsewhere, name="Main") == []


def test_e017_loop_without_caller_interaction(env):
    """set → check → set with no interacting action is E017 on the loop's first node."""
    g = graph(
        node("set", "t_set", {"next": "check"}, field="Customer Type", value="x"),
        node("check", "t_check", {"true": "set", "false": None}, field="Customer Type", value="x"),
    )
    errors = validate_script(g, env)
    assert [(e.id, e.node) for e in errors] == [("scripts.E017", "set")]
    assert "set, check" in errors[0].message


def test_e017_self_loop(env):
    """A node wired to itself without interaction is a busy loop."""
    g = graph(node("check", "t_check", {"true": "check", "false": None}, field="Customer Type"))
    assert ids(validate_script(g, env)) == ["scripts.E017"]


def test_e017_not_when_the_loop_interacts(env):
    """A retry loop through Get Digits (interacts) is fine; so is a loop of an interacting node to itself."""
    g = graph(
        node("ask", "t_ask", {"success": None, "timeout": "again"}, field="Customer ID"),
        node("again", "t_set", {"next": "ask"}, field="Customer Type", value="retry"),
    )
    assert validate_script(g, env) == []
    assert validate_script(graph(say("a", nxt="a")), env) == []


def test_e017_finds_a_quiet_loop_beside_an_interacting_one(env):
    """Two loops share a node; only the one without interaction is reported."""
    g = graph(
        node("hub", "t_check", {"true": "quiet", "false": "talk"}, field="Customer Type"),
        node("quiet", "t_set", {"next": "hub"}, field="Customer Type", value="x"),
        node("talk", "t_say", {"next": "hub"}, prompts=["hi"]),
    )
    errors = validate_script(g, env)
    assert [(e.id, e.node) for e in errors] == [("scripts.E017", "hub")]
    assert "hub, quiet" in errors[0].message and "talk" not in errors[0].message


def test_e018_unknown_prompt_only_when_prompts_are_known():
    """With env.prompts, unknown prompt names (parameters and the apology) are E018; with None, unchecked."""
    g = graph(say("a", prompts=["welcome", "welcom"]), apology="sorry")
    errors = validate_script(g, make_env(prompts={"welcome", "goodbye"}))
    assert [(e.id, e.node, e.param) for e in errors] == [
        ("scripts.E018", None, "apology_prompt"),
        ("scripts.E018", "a", "prompts"),
    ]
    assert "welcom'" in errors[1].message
    assert validate_script(g, make_env(prompts=None)) == []
    assert validate_script(g, make_env(prompts={"welcome", "welcom", "sorry"})) == []


def test_e019_and_action_checks(env):
    """An action's own check() errors pass through (E050); a check() that raises becomes E019."""
    errors = validate_script(graph(node("a", "t_checked", {"next": None}, x="bad")), env)
    assert [(e.id, e.param) for e in errors] == [("scripts.E050", "x")]
    errors = validate_script(graph(node("a", "t_checked", {"next": None}, x="raise")), env)
    assert ids(errors) == ["scripts.E019"]
    errors = validate_script(graph(node("a", "t_checked", {"next": None}, outs=5)), env)
    assert ids(errors) == ["scripts.E019"]
    assert validate_script(graph(node("a", "t_checked", {"next": None}, x="fine")), env) == []


def test_errors_are_ordered_by_node_then_id(env):
    """Graph-level errors first, then by node order, then by id within a node."""
    g = graph(
        node("b", "t_ask", {"success": "nowhere"}, field="Nope", extra=1),
        node("a", "t_bogus"),
        start="missing",
    )
    errors = validate_script(g, env)
    assert [(e.node, e.id) for e in errors] == [
        (None, "scripts.E002"),
        ("b", "scripts.E005"),
        ("b", "scripts.E007"),
        ("b", "scripts.E008"),
        ("b", "scripts.E011"),
        ("a", "scripts.E003"),
    ]
    assert all(ID.fullmatch(e.id) and e.message.endswith(".") for e in errors)


@pytest.mark.parametrize(
    "params",
    [{"prompts": {"a": object()}}, {"prompts": [None]}, {"prompts": "x", "": 1}, {"prompts": ["x"] * 3}],
)
def test_odd_values_never_raise(env, params):
    """Strange parameter values give errors (or none), never an exception."""
    g = graph(node("a", "t_say", {"next": None}, **params))
    assert all(ID.fullmatch(e.id) for e in validate_script(g, env))


def test_e013_select_only_follows_the_nodes_parameter():
    """A node asking for SELECT only (select_only: true) has its statement checked as SELECT-only."""
    seen = []

    def check_sql(statement: str, database_type: str, select_only: bool) -> list[Problem]:
        seen.append(select_only)
        return []

    class SelectOnly(Sql):
        name = "t_sql_select"
        params = (*Sql.params, Param("select_only", "bool", default=False))

    register(SelectOnly)
    try:
        env = make_env(check_sql=check_sql)
        for flag in (True, False):
            g = graph(node("q", "t_sql_select", {"success": None}, connection="CRM", statement="S", select_only=flag))
            assert validate_script(g, env) == []
    finally:
        ACTIONS.pop("t_sql_select")
    assert seen == [True, False]
