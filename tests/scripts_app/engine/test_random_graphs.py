"""Acceptance: random graphs of the real actions are either rejected with error ids, or run to an end.

Graphs are drawn from the registered actions (scripts_app.actions) with parameter values that are mostly
sensible and sometimes wrong, exits wired to random nodes, to null, to missing nodes, or left out. They
run against fake ports that answer at random: what the caller types, SQL rows or SqlErrors, the ACD's
answers, failing media. Whatever happens, run_script returns an outcome and never raises.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import scripts_app.actions  # noqa: F401  (registers the real actions)
from core.problems import Problem
from scripts_app.engine.actions import ACTIONS, FAILURE, Action, Param
from scripts_app.engine.graph import Graph, parse_graph
from scripts_app.engine.interpreter import OUTCOMES, run_script
from scripts_app.engine.validate import validate_graph_json, validate_script
from scripts_app.sql.types import Dialect, SqlError, SqlErrorKind
from scripts_app.sql.validate import validate_statement
from tests.scripts_app.fakes import (
    FIELD_TYPES,
    FakeAcd,
    FakeMedia,
    FakeScripts,
    FakeSql,
    make_call,
    make_env,
    sql_result,
)

ID = re.compile(r"scripts\.E\d{3}")
BUDGET = 60
REAL_ACTIONS = sorted(
    name for name, action in ACTIONS.items() if type(action).__module__.startswith("scripts_app.actions.")
)
#: fallback reasons a graph that validated must never meet: validation rules them out
STRUCTURAL = ("is not wired", "does not exist", "unknown action")

FIELDS = ["Customer ID", "Customer Type", "Balance", "Priority", "Service", "Language", "Due Date"]
PROMPTS = [["welcome"], ["enter_id", "then_hash"], "sorry", []]
SCRIPTS = ["Helper", "Ending", "Main", "Missing"]
STATEMENTS = [
    "SELECT customer_type FROM customers WHERE id = %Customer ID%",
    "SELECT balance FROM customers WHERE id = %Customer ID%",
    "UPDATE customers SET calls = calls + 1 WHERE id = %Customer ID%",
    "SELECT FROM WHERE",
    "SELECT %Nope% FROM t",
]
#: plausible values of the structured ("json") parameters, by parameter name, plus some wrong ones
JSON_VALUES: dict[str, list[Any]] = {
    "assignments": [
        [{"field": "Service", "value": "Stocks"}],
        [{"field": "Priority", "value": "=%Priority% + 1"}, {"field": "Customer Type", "value": "%ANI%"}],
        [{"field": "Priority", "value": "=%Customer Type% / 0"}],
        [{"field": "Nope", "value": "x"}],
        "Service=Stocks",
    ],
    "conditions": [
        [{"field": "Customer Type", "op": "=", "value": "STOCKS"}],
        [{"field": "Balance", "op": ">", "value": "100"}, {"field": "Customer ID", "op": "is_empty"}],
        [{"field": "Customer ID", "op": "matches", "value": "10\\d\\d"}],
        [{"field": "Customer ID", "op": "~~", "value": "1"}],
        {"field": "x"},
    ],
    "cases": [
        [{"name": "gold", "conditions": [{"field": "Balance", "op": ">=", "value": "1000"}]}],
        [
            {"name": "a", "conditions": []},
            {"name": "b", "conditions": [{"field": "Priority", "op": "<", "value": "3"}]},
        ],
        [{"name": "default", "conditions": []}],
        [],
    ],
    "hours": [
        {"mon": ["08:00-17:30"], "wed": ["00:00-24:00"]},
        {"monday": ["08:00-12:00", "13:00-17:30"], "sat": ["09:00-13:00"]},
        {"funday": ["08:00-09:00"]},
        ["08:00-17:00"],
    ],
    "holidays": [[], ["2026-12-25", {"date": "03-04", "name": "Today"}], ["2026-13-45"]],
    "mapping": [None, {"customer_type": "Customer Type"}, {"balance": "Balance"}, {"x": "Nope"}],
}


#: sensible values by parameter name, where the kind alone does not say enough
CLEAN_BY_NAME: dict[str, list[Any]] = {
    "choices": ["12", "1*", "123"],
    "terminator": ["#", "*", ""],
    "time_zone": ["UTC", "America/New_York"],
    "target": ["1001", "%Customer ID%"],
    "min_digits": [1, 2],
    "max_digits": [4, 12],
    "script": ["Helper", "Ending"],
    "statement": STATEMENTS[:3],
    "connection": ["CRM"],
    "service": ["Stocks", "Bonds"],
}
CLEAN_BY_KIND: dict[str, list[Any]] = {
    "text": ["", "1001", "%Customer ID%"],
    "int": [0, 1, 4, "3"],
    "float": [0.5, 2, 5.0, "1.5"],
    "bool": [True, False],
    "field": FIELDS,
    "prompt": ["welcome", "sorry"],
    "prompts": PROMPTS,
    "digits": ["#", "1", "12"],
    "regex": [r"\d+", r"1\d{3}", ".*"],
}
WRONG_BY_KIND: dict[str, list[Any]] = {
    "text": ["Mars/Base", 5],
    "int": [-1, "x", 25],
    "float": [-1.0, 0, "soon"],
    "bool": ["yes"],
    "field": ["Nope"],
    "prompt": [""],
    "digits": ["", "123*#", "9x"],
    "regex": ["("],
    "connection": ["Other"],
    "sql": STATEMENTS[3:],
    "service": ["Nowhere"],
    "script": ["Main", "Missing"],
}


def kind_values(param: Param, *, clean: bool) -> st.SearchStrategy[Any]:
    """Sensible values of the parameter (clean), or those and wrong ones."""
    if param.kind == "json":
        values = JSON_VALUES.get(param.name, [None, [], {}, "x"])
        return st.sampled_from(values[:2] if clean else values)
    if param.kind == "choice":
        return st.sampled_from(list(param.choices) if clean else [*param.choices, "bogus"])
    good = CLEAN_BY_NAME.get(param.name) or CLEAN_BY_KIND.get(param.kind, ["x"])
    return st.sampled_from(good if clean else [*good, *WRONG_BY_KIND.get(param.kind, [None])])


@st.composite
def node_data(draw: st.DrawFn, index: int, ids: list[str], clean: bool) -> dict[str, Any]:
    """A node of a real action. Clean: every value sensible, every exit wired, the first to the next node
    (so all nodes are reachable), others forward or to null, now and then back; else anything goes."""
    known = draw(st.integers(0, 30)) > 0 or clean
    name = draw(st.sampled_from(REAL_ACTIONS)) if known else "no_such_action"
    action: Action | None = ACTIONS.get(name)
    params: dict[str, Any] = {}
    for param in action.params if action else ():
        if param.required or draw(st.booleans()):
            if param.required and not clean and not draw(st.integers(0, 15)):
                continue  # sometimes a required parameter is missing
            params[param.name] = draw(kind_values(param, clean=clean))
    if not clean and not draw(st.integers(0, 15)):
        params["unexpected"] = 1
    try:
        declared = list(action.exits(params)) if action else ["next"]
    except Exception:
        declared = []
    later = ids[index + 1 :]
    if clean:
        targets = st.sampled_from([*later, None, None]) if draw(st.integers(0, 5)) else st.sampled_from(ids)
    else:
        targets = st.sampled_from([*ids, None, None]) if draw(st.integers(0, 20)) else st.just("missing")
    exits: dict[str, str | None] = {}
    for position, exit_name in enumerate([*declared, FAILURE, "bogus_exit"]):
        keep = draw(st.integers(0, 9))
        if clean and exit_name in declared:
            exits[exit_name] = later[0] if position == 0 and later else draw(targets)
        elif (exit_name == FAILURE and keep > 4) or (not clean and (keep == 0 or (exit_name in declared and keep))):
            exits[exit_name] = draw(targets)
    return {"id": ids[index], "action": name, "params": params, "exits": exits}


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    clean = draw(st.booleans())
    count = draw(st.integers(1, 7))
    ids = [f"n{i}" for i in range(count)]
    nodes = [draw(node_data(index, ids, clean)) for index in range(count)]
    start = "n0" if clean or draw(st.integers(0, 20)) else "nowhere"
    apology = draw(st.sampled_from([None, "sorry"]))
    return parse_graph({"start": start, "nodes": nodes, **({"apology_prompt": apology} if apology else {})})


def sql_answers() -> st.SearchStrategy[Any]:
    rows = st.sampled_from(
        [
            sql_result([["STOCKS"]], ["customer_type"], {"Customer Type": "STOCKS"}),
            sql_result([["2500.75"]], ["balance"], {"Balance": "2500.75"}),
            sql_result([], ["customer_type"]),
            sql_result(is_query=False, rowcount=1),
        ]
    )
    errors = st.sampled_from(list(SqlErrorKind)).map(lambda kind: SqlError(kind, f"simulated {kind}"))
    return st.one_of(rows, errors, st.just(RuntimeError("driver crashed")))


@st.composite
def calls(draw: st.DrawFn, graph: Graph) -> Any:
    keys = draw(st.lists(st.sampled_from(["", "1", "2", "#", "1001#", "1002#", "9", "5551234567#", "12"]), max_size=8))
    media_fail = draw(st.sets(st.sampled_from(["play", "say", "collect_digits", "transfer", "wait"]), max_size=1))
    media = FakeMedia(keys, transfer_ok=draw(st.booleans()), fail={m: OSError(f"{m} failed") for m in media_fail})
    sql = FakeSql(
        draw(st.lists(sql_answers(), max_size=4)),
        connect_error=draw(st.sampled_from([None, None, SqlError(SqlErrorKind.CONNECT, "CRM unreachable")])),
    )
    answers = st.sampled_from(["queued", "no_agents", "full", "unknown_service"])
    acd = FakeAcd(
        {service: draw(answers) for service in ("Stocks", "Bonds", "Nowhere", "")},
        callback_ok=draw(st.booleans()),
    )
    published = {"Helper": helper_graph(), "Ending": ending_graph(), "Main": graph}
    now = draw(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)))
    return make_call(
        media=media,
        sql=sql,
        acd=acd,
        scripts=FakeScripts(published),
        now=now,
        fallback_service=draw(st.sampled_from([None, "Stocks", "Nowhere"])),
        profile={"Customer ID": draw(st.sampled_from(["", "1001"]))},
    )


def helper_graph() -> Graph:
    return parse_graph(
        {
            "start": "hi",
            "nodes": [
                {"id": "hi", "action": "play_prompt", "params": {"prompts": ["welcome"]}, "exits": {"next": None}}
            ],
        }
    )


def ending_graph() -> Graph:
    return parse_graph(
        {
            "start": "q",
            "nodes": [
                {
                    "id": "q",
                    "action": "queue_to_service",
                    "params": {"service": "Bonds"},
                    "exits": {"queued": None, "no_agents": None, "full": None},
                }
            ],
        }
    )


def check_sql(statement: str, database_type: str, select_only: bool) -> list[Problem]:
    dialect = Dialect.for_database_type(database_type)
    return validate_statement(
        statement, dialect=dialect, field_names=frozenset(FIELD_TYPES), select_only=select_only, single=False
    )


ENV = make_env(
    connections={"CRM": "sqlite"},
    scripts={"Helper": helper_graph(), "Ending": ending_graph(), "Main": None},
    check_sql=check_sql,
)


def test_the_real_actions_are_registered():
    """The acceptance test draws from the real actions: all nineteen of the issue are there."""
    expected = {
        "announce", "play_prompt", "music_on_hold", "wait", "get_digits", "menu", "decision", "change_profile",
        "sql_connect", "sql_execute", "sql_disconnect", "query_database", "queue_to_service", "transfer",
        "subscript", "goto", "schedule", "callback_request", "hang_up",
    }  # fmt: skip
    assert expected <= set(REAL_ACTIONS)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_random_graphs_are_rejected_with_ids_or_run_to_an_outcome(data: st.DataObject) -> None:
    """Either validation lists errors (all with scripts.E0xx ids) or the graph runs to an outcome within the
    budget without meeting a structural problem; run_script never raises, whichever it is."""
    graph = data.draw(graphs())
    errors = validate_script(graph, ENV, name="Main")
    assert all(ID.fullmatch(e.id) for e in errors), errors
    assert validate_graph_json(graph.to_json(), ENV, name="Main") == errors
    call = data.draw(calls(graph))
    outcome = asyncio.run(run_script(graph, call, step_budget=BUDGET, name="Main"))
    event(f"{'rejected' if errors else 'valid'}: {outcome}")
    assert outcome in OUTCOMES and call.outcome == outcome
    assert len([s for s in call.trace if s.action != "fallback"]) <= BUDGET
    fallbacks = [s for s in call.trace if s.action == "fallback"]
    assert len(fallbacks) <= 1
    if fallbacks:
        assert outcome == "fallback" and fallbacks[0].exit in ("queued", "hung_up")
        assert "internal error" not in fallbacks[0].error  # a defect of the interpreter itself
    if not errors:
        assert not any(reason in s.error for s in fallbacks for reason in STRUCTURAL), fallbacks
        assert all(s.action != "no_such_action" for s in call.trace)
    assert call.depth == 0


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    data=st.one_of(
        JSON,
        st.fixed_dictionaries(
            {
                "start": JSON,
                "nodes": st.lists(
                    st.dictionaries(st.sampled_from(["id", "action", "params", "exits", "x"]), JSON), max_size=3
                ),
            }
        ),
    )
)
def test_any_json_gives_error_ids_never_an_exception(data: Any) -> None:
    """Arbitrary JSON is rejected with ids (E001 for a malformed shape), never with an exception."""
    errors = validate_graph_json(data, ENV, name="Main")
    assert all(ID.fullmatch(e.id) for e in errors)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list) or not data.get("nodes"):
        assert [e.id for e in errors] == ["scripts.E001"]
