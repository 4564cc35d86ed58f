"""The installation behind the bad-input tests: IRNs, scripts, a MariaDB CRM, an agent, a pool and a front.

A separate ccweb installation (own var/ dir, file SQLite database, ACD keys under a prefix of its own in
Redis db 11) with:

- `HELLO` (5100): a script that plays a short prompt and hangs up — the "good call" after each bad one;
- `DIGITS` (5200): Get Digits (4 digits, `#` ends), Announce them, a second Get Digits, hang up — the DTMF flood;
- `SLOW_SQL` (5300): Query Database `SELECT SLEEP(3)` on a fresh MariaDB database over ODBC, then a prompt;
- `QUEUE` (5400): straight to the service `Dead phones`, whose one agent's extension is a sipp UAS that
  never answers (ring timeout 5 s, the agent goes to Released after a no-answer);
- `LOOP` (5500): Get Digits whose timeout and invalid exits lead back to itself (a menu's retry loop).

setup_commands.bad_input_installation makes them; `media_pool` starts 2 children behind a real Kamailio front.
Tests read the pool's log for the children's pids and the SQLite file for CallRecords and ACD events.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from tests.integration.media import child_helpers as h
from tests.integration.media import db, setup_commands
from tests.integration.media import sipfront_helpers as f
from tests.integration.media.pool import manage, media_pool
from tests.integration.run import call
from tests.media_worker.process.pids import pid_alive

HELLO = "5100"
DIGITS = "5200"
SLOW_SQL = "5300"
QUEUE = "5400"
LOOP = "5500"
AGENT = "2001"
REDIS_DB = 11


@dataclass
class Stack:
    env: dict[str, str]
    db: Path
    front: Any
    work: Path
    log: Path
    phone: f.Sipp
    children: int
    extra: dict[str, Any] = field(default_factory=dict)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def child_pids(self) -> list[int]:
        """The pids of the children the supervisor started (restarts would add more)."""
        return [int(pid) for pid in re.findall(r"started on port \d+, pid (\d+)", self.log_text())]

    def assert_children_unchanged(self, pids: list[int]) -> None:
        """Same children as before, all alive, no death in the supervisor's log, no traceback."""
        text = self.log_text()
        assert self.child_pids() == pids, text[-3000:]
        assert all(pid_alive(pid) for pid in pids), text[-3000:]
        assert "exited with" not in text, text[-3000:]
        assert "Traceback" not in text, text[-5000:]

    def records(self, where: str, params: tuple = ()) -> list[dict]:
        return db.records(self.db, where, params)

    def wait_records(self, where: str, params: tuple, count: int, timeout: float = 20.0) -> list[dict]:
        return db.wait_records(self.db, where, params, count, timeout)


@dataclass
class SippRun:
    returncode: int
    output: str
    messages: str

    def received_statuses(self) -> list[int]:
        """Status codes of the responses sipp received, in order."""
        return [int(code) for code in re.findall(r"message received \[\d+\] bytes :\n\nSIP/2.0 (\d{3})", self.messages)]


def sipp_args(stack: Stack, scenario: str, number: str, *, timeout: int, extra: list[str] | None = None) -> list[str]:
    port = f.free_udp_port()
    messages = stack.work / f"{Path(scenario).stem}_{port}_messages.log"
    args = [f.sipp_binary(), f"{f.HOST}:{stack.front.port}", "-sf", str(f.SCENARIOS / scenario)]
    args += ["-i", f.HOST, "-p", str(port), "-s", number, "-bind_local", "-m", "1", "-r", "1"]
    args += ["-mp", str(f.free_udp_port()), "-nostdin", "-timeout", f"{timeout}s", "-timeout_error"]
    args += ["-trace_msg", "-message_file", str(messages)]
    args += ["-trace_err", "-error_file", str(stack.work / f"{Path(scenario).stem}_{port}_errors.log")]
    return args + (extra or [])


def run_sipp(
    stack: Stack, scenario: str, number: str = HELLO, *, timeout: int = 20, extra: list[str] | None = None
) -> SippRun:
    """One call with `scenario` through the front; sipp exits 0 when the scenario ran to its end."""
    args = sipp_args(stack, scenario, number, timeout=timeout, extra=extra)
    messages = Path(args[args.index("-message_file") + 1])
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout + 15, cwd=stack.work)
    text = messages.read_text(errors="replace") if messages.exists() else ""
    return SippRun(result.returncode, result.stdout + result.stderr, text)


def start_stack(tmp_path_factory, odbc: Any, *, children: int = 2):
    """Generator body of the module fixture: yields a `Stack`, stops everything afterwards."""
    var = tmp_path_factory.mktemp("var")
    work = tmp_path_factory.mktemp("bad_input")
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    # a key prefix of its own, not a flushed database: this module may run twice at once (engineers share
    # the machine), and two runs on the same ACD keys would take each other's agent
    prefix = f"ccweb-bad-{uuid.uuid4().hex[:8]}:"
    env = {
        **os.environ,
        "CCWEB_VAR_DIR": str(var),
        "REDIS_URL": redis_url,
        "CCWEB_ACD_REDIS_PREFIX": f"{prefix}acd:",
        "CCWEB_ACD_GROUP_PREFIX": prefix.replace(":", "."),
        "DJANGO_SETTINGS_MODULE": "ccweb.settings",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--no-input")
    (var / "prompts" / "0").mkdir(parents=True)
    h.make_prompt(var / "prompts" / "0" / "hello.wav", seconds=0.4)
    phone = f.start_uas(work, "bad_uas_never_answers.xml")
    crm = {
        "name": "CRM",
        "dsn": odbc.connection_string(),
        "database_type": odbc.database_type,
        "timeout": 10,
        "username": odbc.username,
        "password": odbc.password,
        "simultaneous_connections": 4,
    }
    try:
        made = call(
            env,
            setup_commands.bad_input_installation,
            hello=HELLO,
            digits=DIGITS,
            loop=LOOP,
            slow_sql=SLOW_SQL,
            queue=QUEUE,
            agent=AGENT,
            extension=f"sip:{AGENT}@{f.HOST}:{phone.port}",
            crm=crm,
        )
        irns = {HELLO: "Hello", DIGITS: "Digits", LOOP: "Retry loop", SLOW_SQL: "Slow SQL", QUEUE: "Dead phones"}
        assert made == {"irns": irns, "agent": "available"}, made
        with media_pool(env, work, children, ready_s=40) as (front, log):
            stack = Stack(env, var / "ccweb.sqlite3", front, work, log, phone, children)
            try:
                yield stack
            finally:
                print(stack.log_text()[-4000:])
    finally:
        phone.stop()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}*", count=500):
            client.delete(key)
