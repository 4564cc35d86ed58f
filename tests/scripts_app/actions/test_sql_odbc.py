"""The SQL actions against a real SQLite database over ODBC (GatewaySqlPort, the sqlite_crm fixture).

The fixture's table customers(phone, customer_type, balance) holds '+15551230002', 'Bonds', 880.00.
"""

import asyncio

import pytest

from calls.models import CallProfileField
from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.runtime.sql_port import GatewaySqlPort
from scripts_app.sql.types import SqlError, SqlErrorKind
from tests.scripts_app.fakes import make_call

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

KNOWN_ANI = "+15551230002"
SELECT = "SELECT customer_type, balance FROM customers WHERE phone = %ANI%"


@pytest.fixture
def crm(sqlite_crm):
    CallProfileField.objects.create(name="Customer Type", data_type="text")
    CallProfileField.objects.create(name="Balance", data_type="currency")
    return sqlite_crm


@pytest.fixture
def unreachable():
    from core.services import service_for
    from scripts_app.models import DatabaseConnection

    return service_for(DatabaseConnection).create(
        data={"name": "Gone", "dsn": "Driver=No Such ODBC Driver;Database=/nowhere", "database_type": "sqlite"}
    )


def run(name, params, call):
    """Run the action on the event loop, as the interpreter does (the port's driver work goes to a thread)."""
    return asyncio.run(get_action(name).run(call, params))


def crm_call(ani=KNOWN_ANI, **kwargs):
    return make_call({"ANI": ani}, sql=GatewaySqlPort(), **kwargs)


def test_connect_execute_disconnect_like_the_guide(crm):
    call = crm_call()
    assert run("sql_connect", {"connection": "CRM"}, call) == "success"
    assert run("sql_execute", {"connection": "CRM", "statement": SELECT}, call) == "success"
    assert call.profile["Customer Type"] == "Bonds" and call.profile["Balance"] == "880.00"
    assert call.last_result.rows == [["Bonds", "880.00"]] and call.last_result.statement.params == (KNOWN_ANI,)
    assert run("sql_disconnect", {"connection": "CRM"}, call) == "success"
    assert call.connected == set()
    assert call.media.kinds() == ["moh_start", "moh_stop"] * 3


def test_query_database_finds_the_caller_or_takes_no_rows(crm):
    found = crm_call()
    assert run("query_database", {"connection": "CRM", "statement": SELECT}, found) == "success"
    missing = crm_call("+15550000000")
    assert run("query_database", {"connection": "CRM", "statement": SELECT}, missing) == "no_rows"
    assert "Customer Type" not in missing.profile
    assert missing.media.kinds() == ["moh_start", "moh_stop"]


def test_mapping_writes_a_column_to_a_field_of_another_name(crm):
    call = crm_call()
    params = {"connection": "CRM", "statement": "SELECT balance AS amount FROM customers WHERE phone = %ANI%"}
    assert run("sql_execute", {**params, "mapping": {"amount": "Balance"}}, call) == "success"
    assert call.profile["Balance"] == "880.00"


def test_a_write_is_success_and_reaches_the_database(crm):
    call = crm_call()
    update = "UPDATE customers SET customer_type = 'Stocks' WHERE phone = %ANI%"
    assert run("sql_execute", {"connection": "CRM", "statement": update}, call) == "success"
    assert call.last_result.rowcount == 1
    assert run("query_database", {"connection": "CRM", "statement": SELECT}, call) == "success"
    assert call.profile["Customer Type"] == "Stocks"


def test_an_unknown_table_fails_with_music_stopped(crm):
    call = crm_call()
    with pytest.raises(ActionFailed, match="custmers") as failure:
        run("sql_execute", {"connection": "CRM", "statement": "SELECT * FROM custmers"}, call)
    assert isinstance(failure.value.__cause__, SqlError)
    assert call.media.kinds() == ["moh_start", "moh_stop"] and call.last_result is None


def test_query_database_refuses_anything_but_select(crm):
    call = crm_call()
    with pytest.raises(ActionFailed) as failure:
        run("query_database", {"connection": "CRM", "statement": "DELETE FROM customers"}, call)
    assert failure.value.__cause__.kind == SqlErrorKind.VALIDATION


def test_an_unreachable_database_fails_on_connect_and_on_execute(unreachable):
    call = crm_call()
    with pytest.raises(ActionFailed, match="SQLConnect to 'Gone' failed") as failure:
        run("sql_connect", {"connection": "Gone"}, call)
    assert failure.value.__cause__.kind == SqlErrorKind.UNKNOWN_DSN
    with pytest.raises(ActionFailed, match="SQLExecute on 'Gone' failed"):
        run("sql_execute", {"connection": "Gone", "statement": "SELECT 1"}, call)
    assert call.connected == set()
    assert call.media.kinds() == ["moh_start", "moh_stop"] * 2


def test_a_connection_that_does_not_exist_fails():
    with pytest.raises(ActionFailed, match="no Database Connection named 'Nope'"):
        run("sql_connect", {"connection": "Nope"}, crm_call())


class TimingOutPort(GatewaySqlPort):
    """The real port whose statements outlive the connection's Timeout."""

    async def execute(self, connection, statement, profile, *, select_only=False, mapping=None):
        raise SqlError(SqlErrorKind.TIMEOUT, "The statement took longer than the connection's Timeout (5 s).")


def test_timeout_after_a_real_connect(crm):
    call = make_call({"ANI": KNOWN_ANI}, sql=TimingOutPort())
    assert run("sql_execute", {"connection": "CRM", "statement": SELECT}, call) == "timeout"
    assert call.connected == {"CRM"} and call.last_result is None
    assert call.media.kinds() == ["moh_start", "moh_stop"]


def test_a_connection_deleted_while_calls_run_takes_the_failure_path(crm):
    """A call that resolved the connection before it was deleted still fails cleanly (ActionFailed -> failure)."""
    from core.services import service_for
    from scripts_app.models import DatabaseConnection

    call = crm_call()
    assert run("sql_connect", {"connection": "CRM"}, call) == "success"
    service_for(DatabaseConnection).delete(instance=DatabaseConnection.objects.get(name="CRM"))
    fresh = crm_call()
    with pytest.raises(ActionFailed, match="no Database Connection named 'CRM'"):
        run("sql_execute", {"connection": "CRM", "statement": SELECT}, fresh)
    with pytest.raises(ActionFailed):
        run("sql_execute", {"connection": "CRM", "statement": SELECT}, call)
    assert fresh.media.kinds()[-1] == "moh_stop"
