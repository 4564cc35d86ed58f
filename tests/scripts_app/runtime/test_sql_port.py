"""GatewaySqlPort: live calls send SQLConnect and statements to the `sql` worker; in-process is the default
(simulator, Director, tests). The worker side is faked here; tests/integration/test_sql_worker.py runs a real one."""

import asyncio

import pytest

from routing import lifecycle
from routing.inbound import Decision
from scripts_app.runtime import sql_port
from scripts_app.sql.types import BoundStatement, SqlError, SqlErrorKind, SqlResult
from tests.factories import DatabaseConnectionFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the port reads the database from a thread


def result() -> SqlResult:
    return SqlResult(BoundStatement("SELECT 1", (), ()), ["one"], [["1"]], 1, True)


@pytest.fixture
def crm():
    return DatabaseConnectionFactory(name="CRM", timeout=7)


@pytest.fixture
def worker(monkeypatch):
    """Records what the port asks the worker; the media process's own pool must not be used."""
    asked = []

    def run_sql_in_worker(pk, statement, profile, *, timeout, select_only, mapping):
        asked.append(("run", pk, statement, dict(profile), timeout, select_only, mapping))
        return result()

    def check_connection_in_worker(pk, *, timeout):
        asked.append(("connect", pk, timeout))

    def local(*args, **kwargs):
        raise AssertionError("a live call's SQL ran in the media process")

    monkeypatch.setattr(sql_port, "run_sql_in_worker", run_sql_in_worker)
    monkeypatch.setattr(sql_port, "check_connection_in_worker", check_connection_in_worker)
    monkeypatch.setattr(sql_port.gateway, "run_statement", local)
    monkeypatch.setattr(sql_port.gateway, "ensure_reachable", local)
    return asked


def test_via_worker_connect_and_execute_both_go_to_the_worker_with_the_connections_timeout(crm, worker):
    port = sql_port.GatewaySqlPort(via_worker=True)
    asyncio.run(port.connect("CRM"))
    answer = asyncio.run(port.execute("CRM", "SELECT 1", {"ANI": "+1555"}, select_only=True, mapping={"a": "B"}))
    assert answer.rows == [["1"]]
    assert worker == [
        ("connect", crm.pk, 7.0),
        ("run", crm.pk, "SELECT 1", {"ANI": "+1555"}, 7.0, True, {"a": "B"}),
    ]


def test_via_worker_an_unknown_connection_fails_before_asking_the_worker(worker):
    port = sql_port.GatewaySqlPort(via_worker=True)
    with pytest.raises(SqlError, match="no Database Connection named 'Nope'") as raised:
        asyncio.run(port.connect("Nope"))
    assert raised.value.kind is SqlErrorKind.VALIDATION and worker == []


def test_in_process_is_the_default_and_uses_the_gateway(crm, monkeypatch):
    calls = []
    monkeypatch.setattr(sql_port.gateway, "ensure_reachable", lambda pk: calls.append(("connect", pk)))
    monkeypatch.setattr(
        sql_port.gateway, "run_statement", lambda pk, statement, profile, **kw: calls.append(("run", pk)) or result()
    )
    monkeypatch.setattr(sql_port, "run_sql_in_worker", lambda *a, **k: pytest.fail("sent to a worker"))
    port = sql_port.GatewaySqlPort()
    asyncio.run(port.connect("CRM"))
    asyncio.run(port.execute("CRM", "SELECT 1", {}))
    assert port.via_worker is False and calls == [("connect", crm.pk), ("run", crm.pk)]


def test_a_live_calls_script_context_sends_its_sql_to_the_worker(monkeypatch):
    contact = lifecycle.Contact(Decision("script", "call-1", {}), owner=object(), media=object())  # type: ignore[arg-type]
    context = asyncio.run(lifecycle.new_context(contact, None))
    assert isinstance(context.sql, sql_port.GatewaySqlPort) and context.sql.via_worker is True
