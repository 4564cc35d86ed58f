"""SQLDisconnect: success, timeout, failure; forgets the connection either way."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.sql.types import SqlErrorKind
from tests.scripts_app.fakes import FakeSql, make_call, run_action, sql_error


def test_success_forgets_the_connection():
    call = make_call(connected={"CRM", "Other"})
    assert run_action("sql_disconnect", {"connection": "CRM"}, call) == "success"
    assert call.sql.calls == [("disconnect", "CRM")]
    assert call.connected == {"Other"}
    assert call.media.kinds() == ["moh_start", "moh_stop"]


def test_disconnecting_a_connection_never_opened_is_harmless():
    assert run_action("sql_disconnect", {"connection": "CRM"}, make_call()) == "success"


def test_timeout():
    call = make_call(sql=FakeSql(disconnect_error=sql_error(SqlErrorKind.TIMEOUT)), connected={"CRM"})
    assert run_action("sql_disconnect", {"connection": "CRM"}, call) == "timeout"
    assert call.connected == set()


def test_failure():
    call = make_call(sql=FakeSql(disconnect_error=sql_error(SqlErrorKind.LOST_CONNECTION, "gone")))
    with pytest.raises(ActionFailed, match="gone"):
        run_action("sql_disconnect", {"connection": "CRM"}, call)
    assert call.media.kinds() == ["moh_start", "moh_stop"]


def test_a_missing_connection_name_fails():
    with pytest.raises(ActionFailed):
        run_action("sql_disconnect", {"connection": ""}, make_call())


def test_declaration():
    assert get_action("sql_disconnect").exits({}) == ("success", "timeout")
