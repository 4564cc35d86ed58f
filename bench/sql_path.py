#!/usr/bin/env python
"""Which path a live call's SQL step takes, decided by measurement: in-process or through the `sql` worker.

One run, the same stack for both paths: sipp -> Kamailio front -> `manage.py media_worker` (N children, 100
by default) -> a published script (prompt, Query Database on a real PostgreSQL or MariaDB through a Database
Connection with Simultaneous Connections = 5, music on hold) and one Celery worker on queue `sql`
(`--pool threads --concurrency 8`, as the Procfile runs it). Per path, the media pool is started afresh and
the same load is placed (a warm-up, then --cps calls/s for --duration s, each caller a different ANI):
  inprocess  GatewaySqlPort(via_worker=False): the statement runs in a thread of the media child, on that
             child's own pool (each child its own connections, the 5 permits shared through Redis).
  worker     GatewaySqlPort(via_worker=True): the child sends the statement to the worker (run_sql_in_worker)
             and waits; only the worker's pool holds connections.
The path is chosen by bench/_sqlpath_hook (on PYTHONPATH of every process started here), which also counts
pool checkouts; it changes nothing else. Reported per path:
  sql step p50/p99   the Query Database step's duration in the CallRecord's trace (the interpreter times
                     each step where the script runs it: music on hold on, the SQL, music off)
  connections/min    ODBC connections opened during the load, counted at the database server
                     (PostgreSQL: pg_stat_database.sessions of the bench's own database; MariaDB: the global
                     `Connections` status, so other clients of that server count too), per minute of load
  waited calls       calls whose SQL step had to wait for a permit: no idle connection of its process free
                     at once and no permit on the first try, because all Simultaneous Connections were held
Also printed: the checkouts' own wait, connections opened as the clients saw them, exits, the CPU of ccweb.

Needs sipp, kamailio, sox, Redis at 127.0.0.1:6379 (db 11 unless --redis-db), the database server with the
ccweb/ccweb account (`bin/services.sh postgresql mariadb`), ~140 MB of memory per child. Everything it starts
is stopped at the end; the bench database/table stays.
Usage: .venv/bin/python bench/sql_path.py [--processes 100] [--cps 15] [--duration 60] [--hold 8]
       [--database postgresql|mariadb] [--order inprocess,worker]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _procs import CpuMeter, stop_group  # noqa: E402
from _sip_stack import ROOT, Stack  # noqa: E402
from _stats import percentile, progress  # noqa: E402

HOOK = Path(__file__).resolve().parent / "_sqlpath_hook"
SCENARIO = Path(__file__).resolve().parent / "sipp" / "uac_numbered.xml"
EVENTS = "bench:sqlpath:events"  # the hook's list
NUMBER = "5400"
ROWS = 100_000  # bench_customers rows: phone +1555<n>, n = 1..ROWS (sipp's call number)
TABLE = "bench_sqlpath_customers"
LIMIT = 5  # the Database Connection's Simultaneous Connections
WORKER_CONCURRENCY = 8  # the Procfile's default (CCWEB_WORKER_CONCURRENCY)
SETTLE_S = 12.0  # PostgreSQL counts a backend's session up to ~10 s late; idle connections close after Timeout
CHILD_RSS_MB = 140

DATABASES = {
    "postgresql": {
        "dsn": "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=5432;Database=ccweb_sqlpath",
        "admin": "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=5432;Database=postgres;UID=ccweb;PWD=ccweb",
        "type": "postgresql",
    },
    "mariadb": {
        "dsn": "Driver={MariaDB Unicode};Server=127.0.0.1;Port=3306;Database=ccweb_test",
        "admin": "Driver={MariaDB Unicode};Server=127.0.0.1;Port=3306;Database=ccweb_test;UID=ccweb;PWD=ccweb",
        "type": "mysql",
    },
}

SETUP = """
from acd.models import IRN
from ccweb.services import service_for
from scripts_app.models import DatabaseConnection
from scripts_app.services.scripts import script_publish, script_save_draft
service_for(DatabaseConnection).create(data={"name": "CRM", "dsn": DSN, "database_type": TYPE, "username": "ccweb",
    "password": "ccweb", "timeout": 5, "simultaneous_connections": LIMIT})
query = {"connection": "CRM", "statement": "SELECT customer_type FROM TABLE WHERE phone = %ANI%"}
nodes = [
    {"id": "p", "action": "play_prompt", "params": {"prompts": ["hello"]}, "exits": {"next": "q"}},
    {"id": "q", "action": "query_database", "params": query,
     "exits": {"success": "m", "no_rows": "m", "timeout": "m", "failure": "m"}},
    {"id": "m", "action": "music_on_hold", "params": {"seconds": HOLD}, "exits": {"next": None}},
]
script = script_save_draft(data={"name": "Lookup", "graph": {"start": "p", "nodes": nodes}})
script_publish(script=script)
IRN.objects.create(number=NUMBER, name="Lookup", destination_kind="script", destination_script=script)
print("ready", DatabaseConnection.objects.get(name="CRM").pk)
"""

PROBE = """
import time
from scripts_app.tasks import run_sql_in_worker
deadline = time.monotonic() + 90
while True:
    try:
        run_sql_in_worker(PK, "SELECT 1", {}, timeout=5)
        break
    except Exception:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.5)
print("worker ready")
"""


def say(text: str) -> None:
    sys.stderr.write("\r" + " " * 72 + "\r")
    sys.stderr.flush()
    print(text, flush=True)


@dataclass
class SqlStack(Stack):
    redis_db: int = 11
    via_worker: bool = False

    @property
    def env(self) -> dict[str, str]:
        redis_url = f"redis://127.0.0.1:6379/{self.redis_db}"
        return {
            **super().env,
            "REDIS_URL": redis_url,
            "PYTHONPATH": os.pathsep.join([str(HOOK), str(ROOT)]),
            "CCWEB_BENCH_SQLPATH_REDIS": redis_url,
            "CCWEB_BENCH_SQL_VIA_WORKER": "1" if self.via_worker else "0",
        }


class Server:
    """The database server's count of connections opened, and the bench table."""

    def __init__(self, kind: str) -> None:
        import pyodbc

        self.kind = kind
        self.db = pyodbc.connect(DATABASES[kind]["admin"], autocommit=True)

    def prepare(self) -> None:
        import pyodbc

        if self.kind == "postgresql":
            if not self.db.execute("SELECT 1 FROM pg_database WHERE datname = 'ccweb_sqlpath'").fetchall():
                self.db.execute("CREATE DATABASE ccweb_sqlpath")
            target = pyodbc.connect(DATABASES["postgresql"]["dsn"] + ";UID=ccweb;PWD=ccweb", autocommit=True)
        else:
            target = self.db
        target.execute(f"DROP TABLE IF EXISTS {TABLE}")
        target.execute(f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, phone VARCHAR(32), customer_type VARCHAR(20))")
        target.execute(f"CREATE INDEX {TABLE}_phone ON {TABLE} (phone)")
        for start in range(1, ROWS + 1, 1000):
            rows = ", ".join(
                f"({i}, '+1555{i}', '{'Stocks' if i % 2 else 'Bonds'}')"
                for i in range(start, min(start + 1000, ROWS + 1))
            )
            target.execute(f"INSERT INTO {TABLE} VALUES {rows}")
        if target is not self.db:
            target.close()

    def connections(self) -> int:
        if self.kind == "postgresql":
            self.db.execute("SELECT pg_stat_clear_snapshot()")
            return int(
                self.db.execute("SELECT sessions FROM pg_stat_database WHERE datname = 'ccweb_sqlpath'").fetchone()[0]
            )
        return int(self.db.execute("SHOW GLOBAL STATUS LIKE 'Connections'").fetchone()[1])


def redis_client(db: int):
    import redis

    return redis.Redis(host="127.0.0.1", port=6379, db=db)


def wait_idle(stack: Stack, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (active := stack.active_records()) and time.monotonic() < deadline:
        time.sleep(0.5)
    return active


def last_record_id(stack: Stack) -> int:
    with sqlite3.connect(stack.work / "var" / "ccweb.sqlite3", timeout=10) as conn:
        return conn.execute("SELECT COALESCE(MAX(id), 0) FROM acd_callrecord").fetchone()[0]


def sql_steps(stack: Stack, after_id: int) -> tuple[list[dict], dict[str, int]]:
    """The Query Database steps of the records after `after_id`, and the records' outcomes."""
    with sqlite3.connect(stack.work / "var" / "ccweb.sqlite3", timeout=10) as conn:
        rows = conn.execute("SELECT outcome, trace FROM acd_callrecord WHERE id > ?", (after_id,)).fetchall()
    steps, outcomes = [], {}
    for outcome, trace in rows:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        steps += [step for step in json.loads(trace or "[]") if step.get("action") == "query_database"]
    return steps, outcomes


@dataclass
class PathResult:
    name: str
    calls_ok: int
    calls_failed: int
    steps: int
    p50_ms: float
    p99_ms: float
    conn_per_min: float
    opened_server: int
    waited_calls: int
    summary: list[str]


def run_path(stack: SqlStack, name: str, server: Server, events, args, worker: subprocess.Popen) -> PathResult:
    stack.via_worker = name == "worker"
    t0 = time.monotonic()
    stack.start_media(on_progress=lambda done, total: progress(f"{name} pool", done, total))
    stack.start_front()
    say(f"{name:<9} pool up in {time.monotonic() - t0:.0f} s: {stack.processes} children, front :{stack.front_port}")
    limit = int(args.cps * (args.hold + 6)) + 50
    sipp = dict(scenario=str(SCENARIO), number=NUMBER, rate=args.cps, limit=limit)
    warm = stack.sipp(stack.front_port, calls=args.warmup, timeout_s=args.hold + 60, **sipp)
    wait_idle(stack, args.hold + 30)
    time.sleep(SETTLE_S)
    marker = last_record_id(stack)
    events.delete(EVENTS)
    opened_before = server.connections()
    meters = {
        "media": CpuMeter({stack.media.pid}),
        "front": CpuMeter({stack.front.pid}),
        "worker": CpuMeter({worker.pid}),
    }
    calls = int(args.cps * args.duration)
    run = stack.sipp(
        stack.front_port,
        calls=calls,
        timeout_s=args.duration + args.hold + 60,
        sample=lambda current: progress(name, min(current, calls), calls),
        **sipp,
    )
    cpu = {label: meter.percent() for label, meter in meters.items()}
    load = Path("/proc/loadavg").read_text().split()[0]
    left = wait_idle(stack, args.hold + 30)
    time.sleep(SETTLE_S)
    opened = server.connections() - opened_before
    raw_events = [json.loads(item) for item in events.lrange(EVENTS, 0, -1)]
    steps, outcomes = sql_steps(stack, marker)
    stop_group(stack.front)
    stop_group(stack.media)

    durations = [float(step.get("duration_ms") or 0.0) for step in steps]
    exits: dict[str, int] = {}
    for step in steps:
        key = step.get("exit") or f"error: {step.get('error', '')[:60]}"
        exits[key] = exits.get(key, 0) + 1
    checkouts = [e for e in raw_events if e["kind"] == "checkout"]
    by_step: dict[str, bool] = {}
    for event in checkouts:
        if event.get("step"):
            by_step[event["step"]] = by_step.get(event["step"], False) or event["waited"]
    waited = [e for e in checkouts if e["waited"]]
    opens = [e for e in checkouts if e["open_ms"] is not None]
    errors = [e for e in checkouts if e["error"]]
    where: dict[str, int] = {}
    for event in checkouts:
        where[event["proc"]] = where.get(event["proc"], 0) + 1
    port_ms = {
        op: [e["ms"] for e in raw_events if e["kind"] == "port" and e["op"] == op] for op in ("connect", "execute")
    }
    minutes = args.duration / 60
    p50 = statistics.median(durations) if durations else 0.0
    p99 = percentile(durations, 0.99) if durations else 0.0
    waited_calls = sum(by_step.values())

    def pct(values: list[float]) -> str:
        if not values:
            return "-"
        return f"p50 {statistics.median(values):.1f} / p99 {percentile(values, 0.99):.1f} ms"

    summary = [
        f"calls ok={run.ok} failed={run.failed} (warm-up ok={warm.ok} failed={warm.failed}) records {outcomes} "
        f"still active {left}; CPU during the load (100 = one core): "
        + ", ".join(f"{label} {value:.0f} %" for label, value in cpu.items())
        + f"; machine loadavg {load}",
        f"Query Database step (trace): n={len(durations)} p50 {p50:.1f} ms p99 {p99:.1f} ms "
        f"max {max(durations, default=0):.1f} ms; exits {exits}",
        f"port (child side): connect {pct(port_ms['connect'])}; execute {pct(port_ms['execute'])}",
        f"connections opened: {opened} at the server = {opened / minutes:.0f}/min; {len(opens)} as the pools saw "
        f"them, connect {pct([e['open_ms'] for e in opens])}",
        f"checkouts: {len(checkouts)} ({where}); waited for a permit: {len(waited)} checkouts, wait "
        f"{pct([e['ms'] for e in waited])}; errors {len(errors)} {sorted({e['error'] for e in errors})}",
        f"calls whose SQL step waited for a permit: {waited_calls} of {len(by_step)} "
        f"(checkouts not tied to a call: {sum(1 for e in checkouts if not e.get('step'))})",
    ]
    return PathResult(
        name, run.ok, run.failed, len(durations), p50, p99, opened / minutes, opened, waited_calls, summary
    )


def available_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=100, help="media children (fewer if memory is short)")
    parser.add_argument("--cps", type=float, default=15.0, help="calls placed per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of measured load per path")
    parser.add_argument("--hold", type=float, default=8.0, help="seconds of music on hold after the query")
    parser.add_argument("--warmup", type=int, default=150, help="calls placed before each measured load")
    parser.add_argument("--database", choices=sorted(DATABASES), default="postgresql")
    parser.add_argument("--order", default="inprocess,worker")
    parser.add_argument("--redis-db", type=int, default=11)
    args = parser.parse_args()
    paths = [p.strip() for p in args.order.split(",") if p.strip()]
    if not set(paths) <= {"inprocess", "worker"}:
        parser.error("--order takes inprocess and/or worker")

    avail = available_mb()
    fits = int(avail * 0.8 / CHILD_RSS_MB)
    processes = min(args.processes, fits)
    say(f"loadavg {Path('/proc/loadavg').read_text().strip()}; memory available {avail / 1024:.1f} GB")
    if processes < args.processes:
        say(
            f"memory is short: {args.processes} children need ~{args.processes * CHILD_RSS_MB / 1024:.0f} GB; "
            f"using {processes}"
        )
    say(
        f"children={processes} cps={args.cps:g} duration={args.duration:g}s hold={args.hold:g}s "
        f"database={args.database} Simultaneous Connections={LIMIT} worker concurrency={WORKER_CONCURRENCY}"
    )

    server = Server(args.database)
    server.prepare()
    events = redis_client(args.redis_db)
    for pattern in ("ccweb:*", "bench:sqlpath:*", "celery*", "_kombu*", "unacked*", "sql"):
        for key in events.scan_iter(pattern):  # an earlier run's permits, ACD state, Celery messages
            events.delete(key)
    stack = SqlStack(processes=processes, hold_s=args.hold, redis_db=args.redis_db)
    results: list[PathResult] = []
    interrupted = False

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        stack.prepare()
        setup = SETUP
        for name, value in {
            "DSN": repr(DATABASES[args.database]["dsn"]),
            "TYPE": repr(DATABASES[args.database]["type"]),
            "LIMIT": str(LIMIT),
            "TABLE": TABLE,
            "HOLD": repr(args.hold),
            "NUMBER": repr(NUMBER),
        }.items():
            setup = setup.replace(name, value)
        pk = int(stack._manage("shell", "-c", setup).split("ready")[-1].split()[0])
        log = (stack.work / "sql_worker.log").open("wb")
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "ccweb", "worker", "-Q", "sql", "--pool", "threads"]
            + ["--concurrency", str(WORKER_CONCURRENCY), "-l", "warning"],
            cwd=ROOT,
            env=stack.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        stack.procs.append(worker)
        stack._manage("shell", "-c", PROBE.replace("PK", str(pk)))
        for name in paths:
            result = run_path(stack, name, server, events, args, worker)
            results.append(result)
            for line in result.summary:
                say(f"{name:<9} {line}")
        for line in stack.troubles():
            say(f"  {line}")
    except KeyboardInterrupt:
        interrupted = True
    finally:
        stack.close()
    say(f"loadavg after: {Path('/proc/loadavg').read_text().strip()} (2 cores shared with other work)")
    if interrupted or not results:
        print("interrupted: no RESULT", file=sys.stderr)
        return 130
    fields = [f"children={processes}", f"cps={args.cps:g}", f"database={args.database}"]
    for r in results:
        fields += [
            f"{r.name}_calls={r.calls_ok}",
            f"{r.name}_failed={r.calls_failed}",
            f"{r.name}_sql_p50_ms={r.p50_ms:.1f}",
            f"{r.name}_sql_p99_ms={r.p99_ms:.1f}",
            f"{r.name}_conn_per_min={r.conn_per_min:.0f}",
            f"{r.name}_waited_calls={r.waited_calls}",
        ]
    print("RESULT " + " ".join(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())
