"""`manage.py democall` (issue 6 item 8, acceptance 3): a real pjsua2 caller through the Kamailio front.

A separate installation (own var/ dir, file SQLite, Redis db 11) with the demo loaded and one more IRN, 5400,
whose script runs a slow statement on a real MariaDB database over ODBC (`SELECT SLEEP(3)`, under music on
hold), then plays a prompt and hangs up. Two media children behind a real Kamailio front. democall runs as a
user runs it (`manage.py democall` in a subprocess) and records what the caller hears: during the 3 s of SQL
the recording is music on hold, not silence; the trace shows the SQL step succeeded and the prompt followed.
Also: a number with no IRN prints the 404 outcome; digits typed by RFC 4733 reach the demo's example (a);
a front that does not answer is a clear error with a non-zero exit.
"""

from __future__ import annotations

import array
import math
import os
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import pytest

from tests.integration.media import child_helpers as h
from tests.integration.media import setup_commands
from tests.integration.media import sipfront_helpers as f
from tests.integration.media.pool import END_TO_END, ROOT, installation_env, manage, media_pool
from tests.integration.run import call
from tests.sql_databases import OdbcServer

pytestmark = END_TO_END
pytest.importorskip("pjsua2")

SLOW_NUMBER = "5400"
CHILDREN = 2
REDIS_DB = 10  # other end-to-end modules use 11-15 and flush theirs
SQL_SECONDS = 3
SILENCE_RMS = 100.0  # of 32767: a 16-bit recording of no audio at all is 0; the default music is far above
TONE_RMS = 9000.0  # the prompt is a 440 Hz sine at half scale (RMS ~11600); the music stays under ~8000


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory):
    """A fresh MariaDB database and login (tests/sql_databases.py), administered over TCP when the local
    socket the helper expects by default is not there."""
    with pytest.MonkeyPatch.context() as patch:
        if not os.environ.get("CCWEB_TEST_MARIADB_ADMIN") and not Path("/run/mysqld/mysqld.sock").exists():
            host, port = (os.environ.get("CCWEB_TEST_MARIADB_HOST") or "127.0.0.1:3306").rsplit(":", 1)
            patch.setenv("CCWEB_TEST_MARIADB_ADMIN", f"Driver={{MariaDB Unicode}};Server={host};Port={port};UID=root")
        server = OdbcServer("mariadb", tmp_path_factory.mktemp("mariadb"))
        try:
            yield server
        finally:
            server.drop()


@pytest.fixture(scope="module")
def stack(mariadb, tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    work = tmp_path_factory.mktemp("democall")
    env = installation_env(var, REDIS_DB, "democall-test")
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo")
    manage(env, "ensure_default_moh")  # made here, not by the first call on hold (sox would eat its SQL window)
    connection = {
        "name": "Slow CRM",
        "dsn": mariadb.connection_string(),
        "database_type": mariadb.database_type,
        "timeout": 10,
        "username": mariadb.username,
        "password": mariadb.password,
        "simultaneous_connections": 2,
    }
    irns = call(
        env, setup_commands.democall_installation, number=SLOW_NUMBER, connection=connection, sql_seconds=SQL_SECONDS
    )
    assert irns == {SLOW_NUMBER: "Slow CRM lookup"}, irns
    (var / "prompts" / "0").mkdir(parents=True, exist_ok=True)
    h.make_prompt(var / "prompts" / "0" / "hello.wav", seconds=1.0)
    h.make_prompt(var / "prompts" / "0" / "enter_customer_id.wav", seconds=0.3)

    with media_pool(env, work, CHILDREN, ready_s=40) as (front, log):
        try:
            yield {"env": env, "front": front, "work": work, "log": log}
        finally:
            print(log.read_text(errors="replace")[-4000:])


class Run:
    """A democall process whose output lines are time-stamped as they arrive."""

    def __init__(self, env: dict[str, str], args: list[str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "democall", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))

    def wait(self, timeout: float) -> Run:
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("democall did not finish:\n" + self.output) from None
        self._reader.join(5)
        self.elapsed = time.monotonic() - self.started
        return self

    @property
    def output(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def arrival(self, text: str) -> float:
        """When the first line containing `text` reached us (seconds since the start)."""
        for at, line in self.lines:
            if text in line:
                return at
        raise AssertionError(f"{text!r} not printed:\n{self.output}")

    def section(self, title: str) -> list[str]:
        """The indented lines under a heading of the report."""
        lines = [line for _, line in self.lines]
        start = lines.index(title) + 1
        body = []
        for line in lines[start:]:
            if not line.startswith("  "):
                break
            body.append(line.strip())
        return body


def _democall(stack, *args: str, timeout: float = 60) -> Run:
    front = f"sip:{f.HOST}:{stack['front'].port}"
    return Run(stack["env"], [*args, "--front", front]).wait(timeout)


def _rms_windows(path: Path, window_s: float = 0.1) -> tuple[int, list[float]]:
    """(sample rate, RMS of each `window_s` window) of a 16-bit mono WAV."""
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        rate = wav.getframerate()
        samples = array.array("h")
        samples.frombytes(wav.readframes(wav.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    step = int(rate * window_s)
    windows = [samples[i : i + step] for i in range(0, len(samples) - step + 1, step)]
    return rate, [math.sqrt(sum(s * s for s in window) / step) for window in windows]


def _trace(run: Run) -> list[tuple[str, str]]:
    """(action, exit) of each step of the printed trace."""
    steps = []
    for line in run.section("Script trace"):
        if ". +" in line and " -> " in line:
            before, after = line.split(" -> ", 1)
            steps.append((before.split()[-1], after.split()[0]))
    return steps


def _profile(run: Run) -> dict[str, str]:
    profile = {}
    for line in run.section("Call profile"):
        if "  " in line and not line.startswith("("):
            name, value = line.split("  ", 1)
            profile[name.strip()] = value.strip()
    return profile


def test_music_on_hold_is_heard_during_slow_sql_then_the_script_goes_on(stack):
    """Acceptance 3: while `SELECT SLEEP(3)` runs on MariaDB the caller's recording is music on hold (not
    silence); then the prompt plays and the script hangs up; democall prints progress as it happens, the
    outcome, the trace (SQL success, then the prompt) and the final profile (the SQL's column included)."""
    recording = stack["work"] / "slow.wav"
    run = _democall(stack, SLOW_NUMBER, "--record", str(recording), "--from", "+15557654321", "--timeout", "30")
    output = run.output
    print(output)
    assert run.process.returncode == 0, output + stack["log"].read_text(errors="replace")[-3000:]

    # progress is printed as it happens, not at the end: the answer is seen while the SQL still sleeps
    assert run.elapsed - run.arrival("answered") > SQL_SECONDS - 0.5, output
    outcome = run.section("Outcome")
    assert "answered:    yes" in "\n".join(outcome[:3]), outcome
    assert any(line.startswith("duration:") and "ended by the far end" in line for line in outcome), outcome
    assert "Call record" in output and ": completed (IRN 5400" in output, output

    steps = _trace(run)
    assert steps == [("sql_execute", "success"), ("play_prompt", "next"), ("hang_up", "")] or steps[:2] == [
        ("sql_execute", "success"),
        ("play_prompt", "next"),
    ], output
    profile = _profile(run)
    assert profile["ANI"] == "+15557654321" and profile["DNIS"] == SLOW_NUMBER, profile
    assert profile["Customer Type"] == "GOLD", profile  # written by the SQL step

    rate, rms = _rms_windows(recording)
    sql_window = rms[: int(SQL_SECONDS / 0.1)]  # the script starts with the SQL step as the call is answered
    audible = [value for value in sql_window if value > SILENCE_RMS]
    median = sorted(sql_window)[len(sql_window) // 2]
    print(f"MOH window: {len(audible)}/{len(sql_window)} windows audible, median RMS {median:.0f}, all {rms}")
    assert len(sql_window) == SQL_SECONDS * 10 and len(audible) >= 0.8 * len(sql_window), [round(v) for v in rms]
    prompt = [value for value in rms[len(sql_window) :] if value > TONE_RMS]
    assert len(prompt) >= 5, [round(v) for v in rms]  # then the script went on: the 1 s prompt was heard


def test_a_number_with_no_irn_prints_the_404_outcome(stack):
    run = _democall(stack, "5999", "--timeout", "15")
    assert run.process.returncode == 0, run.output
    outcome = run.section("Outcome")
    assert outcome[0] == "SIP status:  404 Not Found", outcome
    assert "answered:    no" in outcome, outcome
    assert "Call record" in run.output and ": rejected" in run.output, run.output
    assert _profile(run)["DNIS"] == "5999"


@pytest.mark.parametrize(("method", "shown"), [("rfc4733", "RFC 4733"), ("info", "SIP INFO")])
def test_digits_reach_example_a_and_the_call_is_queued_to_stocks(stack, method, shown):
    """The demo's IRN 5100: the caller types 1001# (RFC 4733 in the RTP stream, or SIP INFO through the front);
    Get Digits stores 1001, the CRM row says STOCKS, the call goes to the Stocks service (no agent is logged
    in, so it waits until democall hangs up at its timeout)."""
    run = _democall(stack, "5100", "--digits", "1001#", "--dtmf", method, "--timeout", "8", timeout=60)
    output = run.output
    print(output)
    assert run.process.returncode == 0, output + stack["log"].read_text(errors="replace")[-3000:]
    assert all(f"DTMF {d} sent ({shown})" in output for d in "1001#"), output
    assert "hung up by democall at its timeout" in output, output
    steps = _trace(run)
    assert steps[0] == ("get_digits", "success"), output
    assert ("queue_to_service", "queued") in steps, output
    profile = _profile(run)
    assert (profile["Customer Number"], profile["Customer Type"], profile["Service"]) == ("1001", "STOCKS", "Stocks")
    assert "queued" in "\n".join(run.section("ACD events")), output


def test_a_front_that_does_not_answer_is_a_clear_error():
    port = f.free_udp_port()
    run = Run(dict(os.environ), ["5100", "--front", f"sip:{f.HOST}:{port}"]).wait(30)
    assert run.process.returncode == 2, run.output
    assert f"no SIP answer from the front at sip:{f.HOST}:{port}" in run.output, run.output
