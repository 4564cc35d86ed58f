"""Real calls run their IRN's script in the media children (issue 6, acceptance 1).

A separate ccweb installation (its own var/ dir and file SQLite database, as `tests/integration/test_stack.py`
uses) with an IRN whose published script plays a prompt and hangs up (and two more: setup_commands'
script_calls_installation); `manage.py media_worker` with 4 children behind a real Kamailio front; sipp places
200 calls at 10 calls/s with a caller that keeps the route set and waits for the child's BYE. Every call
succeeds and has its CallRecord (completed, with the script's trace); a number with no IRN gets 404 and a
rejected CallRecord.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time

import pytest

from tests.integration.media import child_helpers as h
from tests.integration.media import db, setup_commands
from tests.integration.media import sipfront_helpers as f
from tests.integration.media.pool import END_TO_END, manage, media_pool
from tests.integration.run import call

pytestmark = END_TO_END
pytest.importorskip("pjsua2")

IRN_NUMBER = "5100"
DTMF_NUMBER = "5200"
HOLD_NUMBER = "5300"
CHILDREN = 4
PROMPT_SECONDS = 0.4


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """A migrated installation with the Hello IRN, its media children and a Kamailio front."""
    var = tmp_path_factory.mktemp("var")
    work = tmp_path_factory.mktemp("calls")
    env = {
        **os.environ,
        "CCWEB_VAR_DIR": str(var),
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "DJANGO_SETTINGS_MODULE": "ccweb.settings",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--no-input")
    irns = call(env, setup_commands.script_calls_installation, hello=IRN_NUMBER, digits=DTMF_NUMBER, hold=HOLD_NUMBER)
    assert irns == {IRN_NUMBER: "Hello", DTMF_NUMBER: "Digits", HOLD_NUMBER: "Hold"}, irns
    (var / "prompts" / "0").mkdir(parents=True)
    h.make_prompt(var / "prompts" / "0" / "hello.wav", seconds=PROMPT_SECONDS)

    with media_pool(env, work, CHILDREN, ready_s=30) as (front, log):
        try:
            yield {"env": env, "db": var / "ccweb.sqlite3", "front": front, "work": work, "log": log}
        finally:
            print(log.read_text(errors="replace")[-3000:])


def _call(
    stack, number: str, *, calls: int, rate: int, timeout: int = 60, scenario: str = "uac_wait_bye.xml"
) -> subprocess.CompletedProcess:
    work = stack["work"]
    port = f.free_udp_port()
    args = ["sipp", f"{f.HOST}:{stack['front'].port}", "-sf", str(f.SCENARIOS / scenario)]
    args += ["-i", f.HOST, "-p", str(port), "-s", number, "-bind_local", "-m", str(calls), "-r", str(rate)]
    args += ["-l", "40", "-mp", str(f.free_udp_port()), "-nostdin", "-timeout", f"{timeout}s", "-timeout_error"]
    args += ["-trace_msg", "-message_file", str(work / f"uac_{port}_messages.log")]
    args += ["-trace_err", "-error_file", str(work / f"uac_{port}_errors.log")]
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout + 15, cwd=work)
    result.messages = (work / f"uac_{port}_messages.log").read_text(errors="replace")
    return result


def test_200_calls_at_10_per_second_run_the_script_and_are_recorded(stack):
    """Acceptance 1: sipp → Kamailio → 4 children; each call hears the prompt, the script hangs up."""
    started = time.monotonic()
    result = _call(stack, IRN_NUMBER, calls=200, rate=10)
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:] + stack["log"].read_text(errors="replace")[-3000:]
    assert (h._counter(output, "Successful call"), h._counter(output, "Failed call")) == (200, 0), output[-3000:]
    assert elapsed < 40, elapsed
    done = db.wait_records(stack["db"], "irn = ? AND outcome != 'active'", (IRN_NUMBER,), 200)
    assert len(done) == 200
    assert {r["outcome"] for r in done} == {"completed"}, {r["outcome"] for r in done}
    assert {r["ani"] for r in done} == {"+15551230000"} and {r["dnis"] for r in done} == {IRN_NUMBER}
    for row in done:
        trace = json.loads(row["trace"])
        assert [step["action"] for step in trace] == ["play_prompt"], trace
        assert json.loads(row["profile"])["SW Call GUID"] == row["sw_call_guid"] != ""
    owners = {r["owner"] for r in done}
    assert len(owners) == CHILDREN, owners  # the front spread the calls over every child
    assert not db.records(stack["db"], "outcome = 'active'")


def test_a_number_with_no_irn_gets_404_and_a_rejected_record(stack):
    result = _call(stack, "5999", calls=1, rate=1, timeout=15)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "SIP/2.0 404" in result.messages
    rows = db.wait_records(stack["db"], "dnis = ?", ("5999",), 1)
    assert [(r["outcome"], r["sip_status"]) for r in rows] == [("rejected", 404)]


def test_dtmf_by_sip_info_reaches_get_digits_and_the_entry_is_spoken(stack):
    """The caller types 123# (SIP INFO through the front) during the prompt: Get Digits stores 123, Announce
    speaks it with espeak-ng, the script hangs up; the record keeps the entry and the trace."""
    result = _call(stack, DTMF_NUMBER, calls=2, rate=2, timeout=30, scenario="uac_dtmf_info.xml")
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    rows = db.wait_records(stack["db"], "irn = ? AND outcome != 'active'", (DTMF_NUMBER,), 2)
    assert [r["outcome"] for r in rows] == ["completed", "completed"]
    for row in rows:
        assert json.loads(row["profile"])["Customer Number"] == "123"
        trace = json.loads(row["trace"])
        assert [(step["action"], step["exit"]) for step in trace] == [("get_digits", "success"), ("announce", "next")]


def test_a_child_killed_mid_call_leaves_a_record_ended_by_failure_and_new_calls_succeed(stack):
    """SIGKILL the child holding a call on music on hold: the supervisor closes the call's record as ended by
    failure and restarts the child; calls placed afterwards complete."""
    work = stack["work"]
    port = f.free_udp_port()
    args = ["sipp", f"{f.HOST}:{stack['front'].port}", "-sf", str(f.SCENARIOS / "uac_wait_bye.xml")]
    args += ["-i", f.HOST, "-p", str(port), "-s", HOLD_NUMBER, "-bind_local", "-m", "1", "-nostdin"]
    args += ["-mp", str(f.free_udp_port()), "-timeout", "40s"]
    caller = subprocess.Popen(args, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        rows = db.wait_records(stack["db"], "irn = ? AND outcome = 'active'", (HOLD_NUMBER,), 1, timeout=10)
        assert len(rows) == 1, rows
        owner_port = int(rows[0]["owner"].rsplit(":", 1)[1])
        started = re.findall(rf"started on port {owner_port}, pid (\d+)", stack["log"].read_text(errors="replace"))
        readies = stack["log"].read_text(errors="replace").count("ready {")
        os.kill(int(started[-1]), signal.SIGKILL)
        done = db.wait_records(stack["db"], "call_id = ? AND outcome != 'active'", (rows[0]["call_id"],), 1)
        assert [r["outcome"] for r in done] == ["ended_by_failure"]
        deadline = time.monotonic() + 15
        while stack["log"].read_text(errors="replace").count("ready {") <= readies:
            assert time.monotonic() < deadline, stack["log"].read_text(errors="replace")[-3000:]
            time.sleep(0.1)
    finally:
        f.stop_process(caller)
    result = _call(stack, IRN_NUMBER, calls=8, rate=4, timeout=30)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
