"""SQLExecute with a fake gateway: every exit, profile updates, last_result, implicit connect, music on hold."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from scripts_app.sql.types import SqlErrorKind
from tests.scripts_app.fakes import FakeSql, make_call, make_env, run_action, sql_error, sql_result

PARAMS = {"connection": "CRM", "statement": "SELECT customer_type FROM customers WHERE id = %Customer ID%"}


def test_success_applies_profile_updates_and_keeps_the_result():
    result = sql_result([["STOCKS"]], ["customer_type"], {"Customer Type": "STOCKS"})
    call = make_call({"Customer ID": "1001"}, sql=FakeSql([result]), connected={"CRM"})
    assert run_action("sql_execute", PARAMS, call) == "success"
    assert call.profile["Customer Type"] == "STOCKS"
    assert call.last_result is result
    ((_, connection, statement, profile, options),) = call.sql.calls
    assert connection == "CRM" and statement == PARAMS["statement"] and profile["Customer ID"] == "1001"
    assert options == {"select_only": False, "mapping": None}
    assert call.media.kinds() == ["moh_start", "moh_stop"]


def test_connects_first_when_sqlconnect_has_not_run():
    call = make_call(sql=FakeSql([sql_result([["1"]], ["x"])]))
    assert run_action("sql_execute", PARAMS, call) == "success"
    assert call.sql.kinds() == ["connect", "execute"] and call.connected == {"CRM"}
    assert call.media.kinds() == ["moh_start", "moh_stop"]  # one hold for both


def test_a_write_is_success_even_when_it_touched_no_row():
    call = make_call(sql=FakeSql([sql_result(is_query=False, rowcount=0)]), connected={"CRM"})
    assert run_action("sql_execute", {**PARAMS, "statement": "UPDATE t SET a = 1"}, call) == "success"


def test_no_rows_leaves_the_profile_alone():
    call = make_call({"Customer Type": "old"}, sql=FakeSql([sql_result([], ["customer_type"])]), connected={"CRM"})
    assert run_action("sql_execute", PARAMS, call) == "no_rows"
    assert call.profile["Customer Type"] == "old" and call.last_result.rows == []


def test_mapping_and_select_only_reach_the_gateway():
    call = make_call(connected={"CRM"})
    params = {**PARAMS, "mapping": {"customer_type": "Customer Type"}, "select_only": "true"}
    run_action("sql_execute", params, call)
    assert call.sql.calls[0][4] == {"select_only": True, "mapping": {"customer_type": "Customer Type"}}


@pytest.mark.parametrize("kind", [SqlErrorKind.TIMEOUT, SqlErrorKind.POOL_TIMEOUT])
def test_timeout(kind):
    call = make_call(sql=FakeSql([sql_error(kind)]), connected={"CRM"})
    call.last_result = sql_result([["stale"]], ["x"])
    assert run_action("sql_execute", PARAMS, call) == "timeout"
    assert call.last_result is None and call.media.kinds() == ["moh_start", "moh_stop"]


def test_an_implicit_connect_that_times_out_takes_timeout():
    call = make_call(sql=FakeSql(connect_error=sql_error(SqlErrorKind.POOL_TIMEOUT)))
    assert run_action("sql_execute", PARAMS, call) == "timeout"
    assert call.connected == set()


@pytest.mark.parametrize(
    "kind", [SqlErrorKind.SYNTAX, SqlErrorKind.DATABASE, SqlErrorKind.VALIDATION, SqlErrorKind.LOST_CONNECTION]
)
def test_failure(kind):
    call = make_call(sql=FakeSql([sql_error(kind, "no such table: custmers")]), connected={"CRM"})
    with pytest.raises(ActionFailed, match="SQLExecute on 'CRM' failed: no such table"):
        run_action("sql_execute", PARAMS, call)
    assert call.last_result is None and not call.media.moh_playing


def test_an_unreachable_database_on_implicit_connect_fails():
    call = make_call(sql=FakeSql(connect_error=sql_error(SqlErrorKind.UNKNOWN_DSN, "no driver")))
    with pytest.raises(ActionFailed, match="no driver"):
        run_action("sql_execute", PARAMS, call)
    assert call.sql.kinds() == ["connect"] and call.media.kinds() == ["moh_start", "moh_stop"]


def test_missing_statement_or_bad_mapping_fail():
    for params in ({"connection": "CRM", "statement": " "}, {**PARAMS, "mapping": ["x"]}):
        with pytest.raises(ActionFailed):
            run_action("sql_execute", params, make_call())


@pytest.mark.parametrize(
    ("mapping", "ids"),
    [
        (None, []),
        ({"customer_type": "Customer Type"}, []),
        ({"customer_type": "Custmer Type"}, ["scripts.E056"]),
        (["customer_type"], ["scripts.E055"]),
        ({"a": 1}, ["scripts.E055"]),
    ],
)
def test_check_mapping(mapping, ids):
    params = dict(PARAMS) | ({} if mapping is None else {"mapping": mapping})
    assert [e.id for e in get_action("sql_execute").check(Node("s", "sql_execute", params), make_env())] == ids


def test_declaration():
    action = get_action("sql_execute")
    assert action.exits({}) == ("success", "no_rows", "timeout") and not action.interacts
    assert action.deadline({}) == 120.0


def test_music_stops_when_the_interpreter_gives_up_on_a_hung_database():
    import asyncio

    call = make_call(sql=FakeSql(hang={"execute"}), connected={"CRM"})

    async def past_the_deadline():
        await asyncio.wait_for(get_action("sql_execute").run(call, PARAMS), timeout=0.01)

    with pytest.raises(TimeoutError):
        asyncio.run(past_the_deadline())
    assert call.media.kinds() == ["moh_start", "moh_stop"] and not call.media.moh_playing
