"""SQLConnect: success, timeout, failure; music on hold around it."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.sql.types import SqlErrorKind
from tests.scripts_app.fakes import FakeMedia, FakeSql, make_call, run_action, sql_error


def test_success_marks_the_connection_open_under_music_on_hold():
    call = make_call()
    assert run_action("sql_connect", {"connection": "CRM"}, call) == "success"
    assert call.sql.calls == [("connect", "CRM")]
    assert call.connected == {"CRM"}
    assert call.media.kinds() == ["moh_start", "moh_stop"]


@pytest.mark.parametrize("kind", [SqlErrorKind.TIMEOUT, SqlErrorKind.POOL_TIMEOUT])
def test_timeout(kind):
    call = make_call(sql=FakeSql(connect_error=sql_error(kind, "no answer")))
    assert run_action("sql_connect", {"connection": "CRM"}, call) == "timeout"
    assert call.connected == set() and call.media.kinds() == ["moh_start", "moh_stop"]


@pytest.mark.parametrize("kind", [SqlErrorKind.UNKNOWN_DSN, SqlErrorKind.AUTH, SqlErrorKind.CONNECT])
def test_failure_names_the_connection_and_stops_the_music(kind):
    call = make_call(sql=FakeSql(connect_error=sql_error(kind, "driver says no")))
    with pytest.raises(ActionFailed, match="SQLConnect to 'CRM' failed: driver says no"):
        run_action("sql_connect", {"connection": "CRM"}, call)
    assert call.connected == set() and not call.media.moh_playing


def test_any_other_exception_also_stops_the_music():
    call = make_call(sql=FakeSql(connect_error=OSError("boom")), media=FakeMedia())
    with pytest.raises(OSError):
        run_action("sql_connect", {"connection": "CRM"}, call)
    assert call.media.kinds() == ["moh_start", "moh_stop"]


def test_declaration():
    action = get_action("sql_connect")
    assert action.exits({}) == ("success", "timeout") and not action.interacts
    assert action.deadline({}) >= 60
