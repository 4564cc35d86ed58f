"""SQL jobs go through a real Celery worker process on queue `sql`, over the real Redis broker."""

import sqlite3
import sys
from pathlib import Path

import pytest
from celery import Celery

from tests.integration import setup_commands
from tests.integration.conftest import manage, start, stop
from tests.integration.run import call

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sql_worker(stack_env, tmp_path_factory):
    """A migrated ccweb with a SQLite CRM connection, and a worker serving only the `sql` queue."""
    crm = tmp_path_factory.mktemp("crm") / "crm.sqlite"
    with sqlite3.connect(crm) as db:
        db.execute("CREATE TABLE customers (phone VARCHAR(32), customer_type VARCHAR(20), balance DECIMAL(12,2))")
        db.executemany(
            "INSERT INTO customers VALUES (?, ?, ?)",
            [("+15551230001", "Stocks", "15234.50"), ("+15551230002", "Bonds", "880.00")],
        )
    manage(stack_env, "migrate", "--no-input")
    connection_id = call(stack_env, setup_commands.sqlite_connection, name="CRM", path=str(crm))
    log = tmp_path_factory.mktemp("logs") / "sql-worker.log"
    worker = start(
        stack_env,
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "ccweb",
            "worker",
            "-Q",
            "sql",
            "--pool",
            "threads",
            "--concurrency",
            "4",
            "-l",
            "info",
        ],
        log,
    )
    client = Celery(broker=stack_env["REDIS_URL"], backend=stack_env["REDIS_URL"])
    try:
        yield client, connection_id
    finally:
        stop(worker)


def ask(client, *args):
    return client.send_task("scripts_app.run_sql", args=args, queue="sql").get(timeout=30)


def test_worker_runs_a_select_with_bound_profile_values(sql_worker):
    client, connection_id = sql_worker
    answer = ask(
        client,
        connection_id,
        "SELECT customer_type, balance FROM customers WHERE phone = %ANI%",
        {"ANI": "+15551230002"},
    )
    assert answer["ok"], answer
    result = answer["result"]
    assert result["rows"] == [["Bonds", "880.00"]] and result["params"] == ["+15551230002"]
    assert result["sql"] == "SELECT customer_type, balance FROM customers WHERE phone = ?"


def test_worker_returns_typed_errors(sql_worker):
    client, connection_id = sql_worker
    answer = ask(client, connection_id, "DELETE FROM customers", {}, True)
    assert not answer["ok"] and answer["error"]["kind"] == "validation"
    assert answer["error"]["issues"][0]["id"] == "sql.E002"
    missing = ask(client, connection_id, "SELECT nothing FROM missing_table", {})
    assert not missing["ok"] and missing["error"]["kind"] in {"database", "syntax"}


def test_worker_checks_a_connection_for_sqlconnect(sql_worker):
    """scripts_app.check_sql_connection: SQLConnect of a live call, run where its statements run."""
    client, connection_id = sql_worker
    check = client.send_task("scripts_app.check_sql_connection", args=(connection_id,), queue="sql").get(timeout=30)
    assert check == {"ok": True}
    missing = client.send_task("scripts_app.check_sql_connection", args=(connection_id + 999,), queue="sql")
    answer = missing.get(timeout=30)
    assert not answer["ok"] and answer["error"]["kind"] == "validation"
