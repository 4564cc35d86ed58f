"""The pool: Simultaneous Connections holds across threads and processes (counted on the server),
broken connections are replaced, idle ones close after Timeout, and a crashed process's permits expire.
"""

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from core.services import service_for
from scripts_app.models import DatabaseConnection
from scripts_app.sql import executor, pool
from scripts_app.sql.connect import settings_for
from scripts_app.sql.types import BoundStatement, SqlError, SqlErrorKind

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[3]
SERVERS = pytest.mark.parametrize("odbc_server", ["mariadb", "postgresql"], indirect=True)
BUSY = {"mariadb": "SELECT SLEEP(0.01), ?", "postgresql": "SELECT pg_sleep(0.01), ?"}
BACKEND_ID = {"mariadb": "SELECT CONNECTION_ID()", "postgresql": "SELECT pg_backend_pid()", "sqlite": "SELECT 1"}


def run_threads(settings, sql, count):
    failures, threads = [], []

    def work(number):
        try:
            executor.execute(settings, BoundStatement(sql, (number,)))
        except SqlError as error:
            failures.append(error)

    for number in range(count):
        threads.append(threading.Thread(target=work, args=(number,)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    return failures


def fresh_calls_table(database):
    database.admin_execute("DROP TABLE IF EXISTS calls")
    database.admin_execute("CREATE TABLE calls (ani VARCHAR(20))")


@SERVERS
def test_200_concurrent_executions_on_threads_never_open_more_than_3_sessions(odbc_database):
    """200 threads at once, Simultaneous Connections = 3: all succeed, the server never sees a 4th session."""
    settings = settings_for(odbc_database.make_connection(simultaneous_connections=3))
    with odbc_database.server.sample_sessions() as sampler:
        failures = run_threads(settings, BUSY[odbc_database.kind], 200)
    print(f"\n{odbc_database.kind} threads: max {sampler.max} sessions in {len(sampler.samples)} samples")
    assert failures == []
    assert len(sampler.samples) > 50
    assert sampler.max == 3  # used to the limit, never beyond


def worker(spec, env):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.sql.pool_worker", json.dumps(spec)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def worker_env(tmp_path):
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "ccweb.settings", "CCWEB_CONFIG_DIR": str(tmp_path / "config")}


@SERVERS
def test_several_processes_share_one_limit(odbc_database, sql_pool, tmp_path):
    """4 OS processes x 50 executions (10 threads each), Simultaneous Connections = 3, counted on the server.

    Permits move between processes: a process whose caller waits makes the others close idle connections.
    """
    settings = settings_for(odbc_database.make_connection(simultaneous_connections=3))
    spec = {
        "settings": asdict(settings),
        "prefix": sql_pool.prefix,
        "mode": "run",
        "sql": BUSY[odbc_database.kind],
        "count": 50,
        "threads": 10,
    }
    env = worker_env(tmp_path)
    with odbc_database.server.sample_sessions() as sampler:
        processes = [worker(spec, env) for _ in range(4)]
        outputs = [process.communicate(timeout=60) for process in processes]
    results = [json.loads(out.strip().splitlines()[-1]) for out, err in outputs]
    print(
        f"\n{odbc_database.kind} processes: max {sampler.max} sessions in {len(sampler.samples)} samples; "
        f"{[round(r['elapsed'], 2) for r in results]} s"
    )
    assert [r["errors"] for r in results] == [[]] * 4
    assert sum(r["ok"] for r in results) == 200
    assert 1 <= sampler.max <= 3


@SERVERS
def test_killed_session_is_detected_replaced_and_the_next_read_succeeds(odbc_database):
    """KILL / pg_terminate_backend on the server: the next read reconnects by itself, on a new session."""
    settings = odbc_database.settings()
    before = executor.execute(settings, BoundStatement(BACKEND_ID[odbc_database.kind])).rows
    assert odbc_database.server.kill_sessions() == 1
    time.sleep(0.1)
    after = executor.execute(settings, BoundStatement(BACKEND_ID[odbc_database.kind])).rows
    assert after != before
    assert odbc_database.server.sessions() == 1


@SERVERS
def test_a_write_on_a_killed_connection_is_not_retried(odbc_database):
    """The write fails with LOST_CONNECTION and is not sent again; the next write uses a new connection."""
    fresh_calls_table(odbc_database)
    settings = odbc_database.settings()
    executor.execute(settings, BoundStatement("SELECT 1"))
    odbc_database.server.kill_sessions()
    time.sleep(0.1)
    insert = BoundStatement("INSERT INTO calls (ani) VALUES (?)", ("+15551230001",))
    with pytest.raises(SqlError) as caught:
        executor.execute(settings, insert)
    assert caught.value.kind is SqlErrorKind.LOST_CONNECTION
    assert odbc_database.admin_query("SELECT COUNT(*) FROM calls") == [(0,)]
    assert executor.execute(settings, insert).rowcount == 1
    assert odbc_database.admin_query("SELECT COUNT(*) FROM calls") == [(1,)]


@SERVERS
def test_a_connection_idle_for_a_while_is_checked_before_a_write(odbc_database, monkeypatch):
    """After PING_AFTER_IDLE, a dead idle connection is found by a ping and replaced: the write goes through once."""
    monkeypatch.setattr(executor, "PING_AFTER_IDLE", 0.2)
    fresh_calls_table(odbc_database)
    settings = odbc_database.settings()
    executor.execute(settings, BoundStatement("SELECT 1"))
    odbc_database.server.kill_sessions()
    time.sleep(0.3)
    assert executor.execute(settings, BoundStatement("INSERT INTO calls VALUES (?)", ("x",))).rowcount == 1
    assert odbc_database.admin_query("SELECT COUNT(*) FROM calls") == [(1,)]


@pytest.mark.parametrize("odbc_server", ["mariadb"], indirect=True)
def test_waiters_get_pool_timeout_at_their_deadline(odbc_database):
    """Simultaneous Connections = 1 held by a session: another caller waits until its deadline, then POOL_TIMEOUT."""
    settings = settings_for(odbc_database.make_connection(simultaneous_connections=1))
    with executor.session(settings) as held:
        held.run(BoundStatement("SELECT 1"))
        started = time.monotonic()
        with pytest.raises(SqlError) as caught:
            executor.execute(settings, BoundStatement("SELECT 1"), deadline=started + 0.3)
        elapsed = time.monotonic() - started
    assert caught.value.kind is SqlErrorKind.POOL_TIMEOUT
    assert 0.3 <= elapsed < 0.5
    assert executor.execute(settings, BoundStatement("SELECT 1")).rows == [["1"]]


@pytest.mark.parametrize("odbc_server", ["postgresql"], indirect=True)
def test_idle_connections_close_after_timeout(odbc_database):
    """The guide's Timeout: a connection without activity for that long is closed."""
    settings = settings_for(odbc_database.make_connection(timeout=1))
    executor.execute(settings, BoundStatement("SELECT 1"))
    assert odbc_database.server.sessions() == 1
    time.sleep(1.4)
    assert odbc_database.server.sessions() == 0
    assert pool.manager().pools[settings.key].stats() == {"open": 0, "idle": 0, "waiting": 0}


@pytest.mark.parametrize("odbc_server", ["mariadb"], indirect=True)
def test_editing_the_connection_retires_its_old_connections(odbc_database):
    """New settings (here Timeout) mean a new pool: the old connection closes, the next one is new."""
    settings = odbc_database.settings()
    before = executor.execute(settings, BoundStatement("SELECT CONNECTION_ID()")).rows
    edited = service_for(DatabaseConnection).update(instance=odbc_database.connection, data={"timeout": 7})
    after = executor.execute(settings_for(edited), BoundStatement("SELECT CONNECTION_ID()")).rows
    assert after != before
    time.sleep(0.2)
    assert odbc_database.server.sessions() == 1


@pytest.mark.parametrize("odbc_server", ["mariadb"], indirect=True)
def test_reset_closes_every_connection(odbc_database):
    settings = settings_for(odbc_database.make_connection(simultaneous_connections=3))
    assert run_threads(settings, BUSY["mariadb"], 6) == []
    assert odbc_database.server.sessions() >= 1
    pool.reset()
    assert pool.manager().wait_closed(2)
    time.sleep(0.1)
    assert odbc_database.server.sessions() == 0


@pytest.mark.parametrize("odbc_server", ["mariadb"], indirect=True)
def test_permits_of_a_crashed_process_expire(odbc_database, sql_pool, tmp_path):
    """A process killed while holding both permits gives nothing back; its leases expire (1.5 s here)."""
    manager = pool.configure(prefix=sql_pool.prefix, lease_seconds=1.5)
    settings = settings_for(odbc_database.make_connection(simultaneous_connections=2))
    spec = {"settings": asdict(settings), "prefix": sql_pool.prefix, "lease": 1.5, "mode": "hold"}
    child = worker(spec, worker_env(tmp_path))
    assert child.stdout.readline().strip() == "held"
    child.wait(10)
    crashed = time.monotonic()
    assert manager.permits.holders(settings.key) == 2
    with pytest.raises(SqlError) as caught:
        executor.execute(settings, BoundStatement("SELECT 1"), deadline=time.monotonic() + 0.3)
    assert caught.value.kind is SqlErrorKind.POOL_TIMEOUT
    executor.execute(settings, BoundStatement("SELECT 1"), deadline=time.monotonic() + 5)
    waited = time.monotonic() - crashed
    print(f"\npermits of the crashed process came back after {waited:.2f} s (lease 1.5 s)")
    assert waited < 2.5
