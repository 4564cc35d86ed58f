"""Query Database: SELECT only; success, no_rows, timeout, failure."""

import pytest

from core.problems import Problem
from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from scripts_app.sql.types import SqlErrorKind
from tests.scripts_app.fakes import FakeSql, make_call, make_env, run_action, sql_error, sql_result

PARAMS = {"connection": "CRM", "statement": "SELECT id FROM customers WHERE id = %Customer ID%"}


def test_success_runs_select_only():
    result = sql_result([["1001"]], ["id"])
    call = make_call(sql=FakeSql([result]), connected={"CRM"})
    assert run_action("query_database", PARAMS, call) == "success"
    assert call.sql.calls[0][4] == {"select_only": True, "mapping": None}
    assert call.last_result is result and call.media.kinds() == ["moh_start", "moh_stop"]


def test_mapping_fills_the_named_fields():
    result = sql_result([["Dana"]], ["name"], {"Customer Name": "Dana"})
    call = make_call(sql=FakeSql([result]), connected={"CRM"})
    assert run_action("query_database", {**PARAMS, "mapping": {"name": "Customer Name"}}, call) == "success"
    assert call.profile["Customer Name"] == "Dana"
    assert call.sql.calls[0][4]["mapping"] == {"name": "Customer Name"}


def test_no_rows():
    call = make_call(sql=FakeSql([sql_result([], ["id"])]), connected={"CRM"})
    assert run_action("query_database", PARAMS, call) == "no_rows"


def test_timeout():
    call = make_call(sql=FakeSql([sql_error(SqlErrorKind.TIMEOUT)]), connected={"CRM"})
    assert run_action("query_database", PARAMS, call) == "timeout"


def test_failure():
    call = make_call(sql=FakeSql([sql_error(SqlErrorKind.VALIDATION, "sql.E002: not a SELECT")]), connected={"CRM"})
    with pytest.raises(ActionFailed, match="Query Database on 'CRM' failed"):
        run_action("query_database", PARAMS, call)
    assert call.media.kinds() == ["moh_start", "moh_stop"]


def fake_check_sql(statement, database_type, select_only):
    return [Problem("sql.E002", "Only a SELECT statement works here.")] if select_only else []


@pytest.mark.parametrize(
    ("statement", "env", "ids"),
    [
        ("SELECT 1", {}, []),
        (" select id FROM t", {}, []),
        ("UPDATE customers SET a = 1", {}, ["scripts.E062"]),
        # with the SQL checker, the generic validator checks the statement as SELECT-only itself
        ("UPDATE customers SET a = 1", {"check_sql": fake_check_sql}, []),
    ],
)
def test_check_select_only_without_the_sql_checker(statement, env, ids):
    node = Node("q", "query_database", {"connection": "CRM", "statement": statement})
    assert [e.id for e in get_action("query_database").check(node, make_env(**env))] == ids


def test_the_generic_sql_check_is_told_select_only():
    assert get_action("query_database").select_only is True


def test_declaration():
    action = get_action("query_database")
    assert action.exits({}) == ("success", "no_rows", "timeout") and action.deadline({}) == 120.0
