#!/usr/bin/env python
"""Overhead of ccweb's SQL path over raw pyodbc, for the same indexed SELECT on MariaDB, in one run.

raw:    one open pyodbc connection, `SELECT … WHERE phone = ?` with a bound value.
ccweb:  what a call control script pays: template binding, validation cache, the Redis-bounded
        pool and a Celery round trip to a worker on queue `sql` (run_sql_in_worker).
Also reported: the same path in-process (no Celery), to show where the time goes.

Needs the services `make test` starts (MariaDB with the ccweb/ccweb account, Redis).
Usage: .venv/bin/python bench/sql_overhead.py [--iterations 1000]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _stats import percentile, progress  # noqa: E402  (bench/ is on sys.path when run as a script)

VAR = tempfile.mkdtemp(prefix="ccweb-bench-")
os.environ.update(
    CCWEB_VAR_DIR=VAR,
    REDIS_URL="redis://127.0.0.1:6379/14",
    DJANGO_SETTINGS_MODULE="ccweb.settings",
    LOG_LEVEL="WARNING",
)
MARIADB = "Driver={MariaDB Unicode};Server=127.0.0.1;Port=3306;Database=ccweb_test"
ROWS = 10_000
QUERY = "SELECT customer_type FROM bench_customers WHERE phone = %ANI%"


def timed(label: str, iterations: int, call) -> list[float]:
    samples = []
    for index in range(iterations):
        phone = f"+1555{index % ROWS:07d}"
        started = time.perf_counter()
        call(phone)
        samples.append((time.perf_counter() - started) * 1000)
        if index % 50 == 0 or index == iterations - 1:
            progress(label, index + 1, iterations)
    return samples


def prepare_table() -> None:
    import pyodbc

    with pyodbc.connect(MARIADB + ";UID=ccweb;PWD=ccweb", autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS bench_customers")
        db.execute(
            "CREATE TABLE bench_customers (id INT PRIMARY KEY, phone VARCHAR(32), customer_type VARCHAR(20), "
            "INDEX (phone))"
        )
        db.cursor().executemany(
            "INSERT INTO bench_customers VALUES (?, ?, ?)",
            [(i, f"+1555{i:07d}", "Stocks" if i % 2 else "Bonds") for i in range(ROWS)],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1000)
    args = parser.parse_args()

    import django

    django.setup()
    import pyodbc
    from django.core.management import call_command

    from core.services import service_for
    from scripts_app.models import DatabaseConnection
    from scripts_app.sql import gateway
    from scripts_app.tasks import run_sql_in_worker

    call_command("migrate", verbosity=0)
    prepare_table()
    connection = service_for(DatabaseConnection).create(
        data={
            "name": "bench",
            "dsn": MARIADB,
            "database_type": "mysql",
            "username": "ccweb",
            "password": "ccweb",
            "timeout": 5,
            "simultaneous_connections": 4,
        }
    )
    worker = subprocess.Popen(
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
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        raw_db = pyodbc.connect(MARIADB + ";UID=ccweb;PWD=ccweb", autocommit=True)
        raw_cursor = raw_db.cursor()

        def raw(phone: str) -> None:
            raw_cursor.execute("SELECT customer_type FROM bench_customers WHERE phone = ?", phone)
            assert raw_cursor.fetchall()

        def in_process(phone: str) -> None:
            assert gateway.run_statement(connection.pk, QUERY, {"ANI": phone}).rows

        def through_worker(phone: str) -> None:
            assert run_sql_in_worker(connection.pk, QUERY, {"ANI": phone}, timeout=5).rows

        # Warm-up: the worker starts, connections open, caches fill.
        deadline = time.monotonic() + 60
        while True:
            try:
                through_worker("+15550000001")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        for call in (raw, in_process, through_worker):
            for _ in range(50):
                call("+15550000002")

        raw_ms = timed("raw", args.iterations, raw)
        local_ms = timed("in-process", args.iterations, in_process)
        ccweb_ms = timed("ccweb", args.iterations, through_worker)
    finally:
        worker.terminate()
        worker.wait(timeout=15)

    raw_p50, ccweb_p50, local_p50 = (statistics.median(s) for s in (raw_ms, ccweb_ms, local_ms))
    raw_p99, ccweb_p99 = percentile(raw_ms, 0.99), percentile(ccweb_ms, 0.99)
    print(f"iterations={args.iterations} rows={ROWS}")
    print(f"raw pyodbc:          p50 {raw_p50:.3f} ms  p99 {raw_p99:.3f} ms")
    print(f"ccweb in-process:    p50 {local_p50:.3f} ms  p99 {percentile(local_ms, 0.99):.3f} ms")
    print(f"ccweb through Celery p50 {ccweb_p50:.3f} ms  p99 {ccweb_p99:.3f} ms")
    print(
        f"RESULT raw_p50_ms={raw_p50:.3f} ccweb_p50_ms={ccweb_p50:.3f} overhead_p50_ms={ccweb_p50 - raw_p50:.3f} "
        f"overhead_p99_ms={ccweb_p99 - raw_p99:.3f} inprocess_p50_ms={local_p50:.3f}"
    )


if __name__ == "__main__":
    main()
