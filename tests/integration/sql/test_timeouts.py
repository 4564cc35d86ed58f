"""Timeout bounds connecting and every statement on each driver, and a hung driver never holds the caller."""

import os
import signal
import socket
import threading
import time

import pytest

from scripts_app.sql import executor, pool
from scripts_app.sql.connect import ConnectionSettings, build_connection_string, settings_for
from scripts_app.sql.types import BoundStatement, SqlError, SqlErrorKind

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
SLEEP = {"mariadb": "SELECT SLEEP(5)", "postgresql": "SELECT pg_sleep(5)"}
BACKEND_ID = {"mariadb": "SELECT CONNECTION_ID()", "postgresql": "SELECT pg_backend_pid()"}
SERVERS = pytest.mark.parametrize("odbc_server", ["mariadb", "postgresql"], indirect=True)


def timed(call):
    started = time.monotonic()
    with pytest.raises(SqlError) as caught:
        call()
    return caught.value, time.monotonic() - started


@SERVERS
def test_statement_outliving_timeout_is_timeout_within_1_5_s(odbc_database):
    """SLEEP(5)/pg_sleep(5) with Timeout = 1: TIMEOUT (server-side limit), and the connection stays usable."""
    settings = settings_for(odbc_database.make_connection(timeout=1, simultaneous_connections=1))
    error, elapsed = timed(lambda: executor.execute(settings, BoundStatement(SLEEP[odbc_database.kind])))
    print(f"\n{odbc_database.kind}: statement timeout after {elapsed:.3f} s ({error.driver_message[:80]})")
    assert error.kind is SqlErrorKind.TIMEOUT
    assert 0.9 < elapsed < 1.5
    assert executor.execute(settings, BoundStatement("SELECT 1")).rows == [["1"]]
    assert odbc_database.server.sessions() == 1


@SERVERS
def test_caller_deadline_shorter_than_timeout_cancels_the_statement(odbc_database):
    """A deadline before the server-side limit: ccweb cancels the statement (SQLCancel) and reuses the connection."""
    settings = settings_for(odbc_database.make_connection(timeout=10, simultaneous_connections=1))
    backend = executor.execute(settings, BoundStatement(BACKEND_ID[odbc_database.kind])).rows
    deadline = time.monotonic() + 0.5
    sleep = BoundStatement(SLEEP[odbc_database.kind])
    error, elapsed = timed(lambda: executor.execute(settings, sleep, deadline=deadline))
    assert error.kind is SqlErrorKind.TIMEOUT
    assert 0.5 < elapsed < 1.1
    assert executor.execute(settings, BoundStatement(BACKEND_ID[odbc_database.kind])).rows == backend


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted, stop = [], threading.Event()

    def serve():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], accepted
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.parametrize(
    ("driver", "database_type"), [("MariaDB Unicode", "mysql"), ("PostgreSQL Unicode", "postgresql")]
)
def test_silent_server_fails_the_connect_within_timeout_plus_half_a_second(
    silent_server, sql_pool, driver, database_type
):
    """MariaDB's driver ignores the login timeout and libpq waits at least 2 s: the Timeout of 1 s still holds."""
    port, accepted = silent_server
    settings = ConnectionSettings(
        key=f"silent-{database_type}",
        connection_string=build_connection_string(
            f"Driver={{{driver}}};Server=127.0.0.1;Port={port};Database=x",
            database_type=database_type,
            timeout=1,
            username="u",
            password="p",
        ),
        database_type=database_type,
        timeout=1.0,
        max_connections=2,
        unicode_parameters=False,
        name="Silent",
    )
    error, elapsed = timed(lambda: executor.execute(settings, BoundStatement("SELECT 1")))
    print(f"\n{driver}: connect to a silent server failed after {elapsed:.3f} s: {error.message}")
    assert error.kind is SqlErrorKind.CONNECT
    assert accepted, "the driver reached the silent server"
    assert elapsed < 1.5


@pytest.mark.parametrize("odbc_server", ["postgresql"], indirect=True)
def test_hung_driver_is_abandoned_at_the_deadline_and_its_connection_never_reused(odbc_database):
    """The backend is frozen (SIGSTOP): neither the server-side timeout nor SQLCancel can end the statement.

    The caller gets TIMEOUT just after the deadline; the connection is abandoned and keeps its permit until
    its driver returns (here: once the backend is resumed), so the limit of 1 is never exceeded.
    """
    settings = settings_for(odbc_database.make_connection(timeout=1, simultaneous_connections=1))
    pid = int(executor.execute(settings, BoundStatement("SELECT pg_backend_pid()")).rows[0][0])
    os.kill(pid, signal.SIGSTOP)
    try:
        error, elapsed = timed(lambda: executor.execute(settings, BoundStatement("SELECT 1")))
        assert error.kind is SqlErrorKind.TIMEOUT
        assert elapsed < 1.6
        print(f"\nhung driver: caller released after {elapsed:.3f} s")
        waiting, _ = timed(
            lambda: executor.execute(settings, BoundStatement("SELECT 1"), deadline=time.monotonic() + 0.3)
        )
        assert waiting.kind is SqlErrorKind.POOL_TIMEOUT  # the abandoned connection still counts
    finally:
        os.kill(pid, signal.SIGCONT)
    fresh = executor.execute(settings, BoundStatement("SELECT pg_backend_pid()"), deadline=time.monotonic() + 5)
    assert int(fresh.rows[0][0]) != pid
    assert odbc_database.server.sessions() == 1
    assert pool.manager().pools[settings.key].stats()["open"] == 1
