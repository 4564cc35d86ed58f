"""Agent legs (issue 6 item 5, acceptance 2): the guide's example (a) end to end with real agent phones.

A separate installation (own var/ dir, file SQLite, Redis db 13) with the demo loaded (`manage.py load_demo`:
IRN 5100 "Route by customer type", the CRM file with customers 1001 STOCKS and 1002 BONDS). Two media
children behind a real Kamailio front; the agents' extensions point at sipp UAS processes (`uas_agent.xml`
answers after a ring, fails the call unless the INVITE carries `X-STCC-Customer-Number`, hangs up after ~1 s;
`uas_busy.xml` answers 486). A sipp caller dials 5100 and types the customer id by SIP INFO; the CRM row
picks the service; the owning child rings the reserved agent, bridges, and the agent's BYE ends the call.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest
import redis

from tests.integration.media import child_helpers as h
from tests.integration.media import db, setup_commands
from tests.integration.media import sipfront_helpers as f
from tests.integration.media.pool import END_TO_END, ROOT, manage, media_pool
from tests.integration.run import call

pytestmark = END_TO_END
pytest.importorskip("pjsua2")

IRN = "5100"
CHILDREN = 2
REDIS_DB = 13


def _agents(env, *, login=(), logout=()) -> dict[str, str | None]:
    """Agents logged out, then in and ready; the live states of 1001-1003."""
    return call(env, setup_commands.log_agents, login=list(login), logout=list(logout))


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    work = tmp_path_factory.mktemp("agents")
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    env = {
        **os.environ,
        "CCWEB_VAR_DIR": str(var),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "ccweb.settings",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo")
    (var / "prompts" / "0").mkdir(parents=True, exist_ok=True)
    h.make_prompt(var / "prompts" / "0" / "enter_customer_id.wav", seconds=0.3)

    phones = {
        "stocks": f.start_uas(work, "uas_agent.xml"),
        "bonds": f.start_uas(work, "uas_agent.xml"),
        "busy": f.start_uas(work, "uas_busy.xml"),
        "no_codec": f.start_uas(work, "uas_no_codec.xml"),
    }
    extensions = {
        "1001": f"sip:1001@{f.HOST}:{phones['stocks'].port}",
        "1002": f"sip:1002@{f.HOST}:{phones['bonds'].port}",
        "1003": f"sip:1003@{f.HOST}:{phones['busy'].port}",
    }
    assert call(env, setup_commands.set_extensions, extensions=extensions) == extensions

    try:
        with media_pool(env, work, CHILDREN, ready_s=40) as (front, log):
            try:
                yield {
                    "env": env,
                    "db": var / "ccweb.sqlite3",
                    "front": front,
                    "work": work,
                    "log": log,
                    "phones": phones,
                }
            finally:
                print(log.read_text(errors="replace")[-4000:])
    finally:
        for phone in phones.values():
            phone.stop()


def _call(stack, customer: str, timeout: int = 40) -> subprocess.CompletedProcess:
    return f.call_with_digits(stack["work"], stack["front"].port, IRN, customer, timeout=timeout)


def _check_call(stack, customer: str, phone: str, agent: str, service: str, *, closed_before: int) -> dict:
    result = _call(stack, customer)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-2000:] + stack["log"].read_text(errors="replace")[-3000:]
    invites = stack["phones"][phone].requests("INVITE")
    assert invites, stack["log"].read_text(errors="replace")[-3000:]
    invite = invites[-1]
    assert f"X-STCC-Customer-Number: {customer}" in invite, invite
    assert f"X-STCC-Service: {service}" in invite, invite
    assert f"X-STCC-Agent-Number: {agent}" in invite, invite
    # the phone shows the caller: the leg's From and P-Asserted-Identity carry the ANI and Caller Name
    from_line = next(line for line in invite.splitlines() if line.lower().startswith(("from:", "f:")))
    assert from_line.split(":", 1)[1].strip().startswith('"Caller 1" <sip:+15551230000@'), from_line
    assert 'P-Asserted-Identity: "Caller 1" <sip:+15551230000@' in invite, invite
    rows = db.wait_rows(
        stack["db"], "SELECT * FROM acd_callrecord WHERE irn = ? AND outcome != 'active'", (IRN,), closed_before + 1
    )
    assert len(rows) == closed_before + 1, rows
    record = max(rows, key=lambda r: r["id"])
    profile = json.loads(record["profile"])
    assert record["outcome"] == "completed", record
    assert (profile["Service"], profile["Agent Number"], profile["Customer Number"]) == (service, agent, customer)
    assert profile["Agent Extension"].startswith(f"sip:{agent}@"), profile
    events = [(r["kind"], r["agent"]) for r in db.events(stack["db"], record["call_id"])]
    assert ("answered", agent) in events, events
    return {"record": record, "events": events}


def test_example_a_customers_reach_the_stocks_and_the_bonds_agent_with_the_headers(stack):
    """1001 (STOCKS) rings agent 1001's phone, 1002 (BONDS) agent 1002's; each INVITE carries the exported
    fields as X-STCC-* headers, the agent answers, the legs are bridged, the agent's BYE ends both legs, and
    the record closes completed with the agent's fields; the agent goes to wrap-up."""
    states = _agents(stack["env"], login=["1001", "1002"], logout=["1003"])
    assert (states["1001"], states["1002"]) == ("available", "available"), states
    started = time.monotonic()
    first = _check_call(stack, "1001", "stocks", "1001", "Stocks", closed_before=0)
    assert first["events"][0][0] == "queued"
    second = _check_call(stack, "1002", "bonds", "1002", "Bonds", closed_before=1)
    assert second["events"][0][0] == "queued"
    assert time.monotonic() - started < 40
    states = _agents(stack["env"])
    assert (states["1001"], states["1002"]) == ("wrap_up", "wrap_up"), states  # the call ended for the agents too


def test_a_busy_agent_is_a_no_answer_and_the_call_waits_for_the_next_agent(stack):
    """Agent 1003's phone answers 486: no answer reported (the call back at its place, 1003 out of the
    way); when agent 1002 becomes ready the waiting caller is put through to 1002's phone."""
    _agents(stack["env"], logout=["1001", "1002"])
    _agents(stack["env"], login=["1003"])
    closed = len(db.rows(stack["db"], "SELECT id FROM acd_callrecord WHERE irn = ? AND outcome != 'active'", (IRN,)))
    busy_before = len(stack["phones"]["busy"].requests("INVITE"))

    result: dict = {}
    caller = threading.Thread(target=lambda: result.setdefault("r", _call(stack, "1002", timeout=60)))
    caller.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            no_answer = db.rows(stack["db"], "SELECT * FROM acd_acdevent WHERE kind = 'no_answer' AND agent = '1003'")
            if no_answer:
                break
            assert time.monotonic() < deadline, stack["log"].read_text(errors="replace")[-3000:]
            time.sleep(0.3)
        assert len(stack["phones"]["busy"].requests("INVITE")) > busy_before
        _agents(stack["env"], logout=["1003"], login=["1002"])
    finally:
        caller.join(90)
    call = result["r"]
    assert call.returncode == 0, (call.stdout + call.stderr)[-2000:] + stack["log"].read_text(errors="replace")[-3000:]
    rows = db.wait_rows(
        stack["db"], "SELECT * FROM acd_callrecord WHERE irn = ? AND outcome != 'active'", (IRN,), closed + 1
    )
    record = max(rows, key=lambda r: r["id"])
    profile = json.loads(record["profile"])
    assert (record["outcome"], profile["Agent Number"], profile["Service"]) == ("completed", "1002", "Bonds")
    events = [(r["kind"], r["agent"]) for r in db.events(stack["db"], record["call_id"])]
    assert ("no_answer", "1003") in events and ("answered", "1002") in events, events
    assert events.index(("no_answer", "1003")) < events.index(("answered", "1002")), events


def test_example_a_by_rfc_4733_from_a_pjsua2_caller_reaches_the_stocks_agent(stack):
    """Acceptance 2 as written: the caller (manage.py democall, a pjsua2 endpoint) types the customer ID by
    RFC 4733; the CRM row (1001: STOCKS) sends the call to the Stocks agent's phone (a sipp UAS), whose
    INVITE carries X-STCC-Customer-Number and the user fields; the agent answers, then hangs up."""
    _agents(stack["env"], logout=["1001", "1002", "1003"])
    _agents(stack["env"], login=["1001"])
    closed = len(db.rows(stack["db"], "SELECT id FROM acd_callrecord WHERE irn = ? AND outcome != 'active'", (IRN,)))
    invites_before = len(stack["phones"]["stocks"].requests("INVITE"))
    result = subprocess.run(
        [sys.executable, "manage.py", "democall", IRN, "--digits", "1001#", "--dtmf", "rfc4733"]
        + ["--timeout", "30", "--front", f"sip:{f.HOST}:{stack['front'].port}"],
        cwd=ROOT,
        env=stack["env"],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    invites = stack["phones"]["stocks"].requests("INVITE")
    assert len(invites) == invites_before + 1, stack["log"].read_text(errors="replace")[-3000:]
    invite = invites[-1]
    assert "X-STCC-Customer-Number: 1001" in invite, invite
    assert "X-STCC-Service: Stocks" in invite and "X-STCC-Agent-Number: 1001" in invite, invite
    assert "X-STCC-Customer-Type: STOCKS" in invite, invite  # a user field, filled from the CRM row
    record = max(
        db.wait_rows(
            stack["db"], "SELECT * FROM acd_callrecord WHERE irn = ? AND outcome != 'active'", (IRN,), closed + 1
        ),
        key=lambda r: r["id"],
    )
    profile = json.loads(record["profile"])
    assert (record["outcome"], profile["Agent Number"], profile["Customer Number"]) == ("completed", "1001", "1001")


def test_a_phone_that_keeps_failing_releases_its_agent_and_the_call_goes_on(stack):
    """Agent 1003's phone answers every offered call 488 (no common codec) and the service puts agents who
    let a call go straight back to available: after CCWEB_AGENT_PHONE_FAILURES (3) failures in a row the agent
    is released with code phone-failed instead of being offered the call again and again; when agent 1002
    is ready the caller is put through to 1002's phone."""
    env = stack["env"]
    phone = stack["phones"]["no_codec"]
    assert call(env, setup_commands.set_no_answer_state, service="Bonds", state="available") == "available"
    call(env, setup_commands.set_extensions, extensions={"1003": f"sip:1003@{f.HOST}:{phone.port}"})
    _agents(env, logout=["1001", "1002", "1003"])
    _agents(env, login=["1003"])
    closed = len(db.rows(stack["db"], "SELECT id FROM acd_callrecord WHERE irn = ? AND outcome != 'active'", (IRN,)))
    result: dict = {}
    caller = threading.Thread(target=lambda: result.setdefault("r", _call(stack, "1002", timeout=60)))
    caller.start()
    try:
        query = "SELECT * FROM acd_acdevent WHERE kind = 'agent_state' AND agent = '1003' AND data LIKE ?"
        released = db.wait_rows(stack["db"], query, ("%phone-failed%",), 1, timeout=30)
        assert "refused 3 offered calls in a row (last: SIP 488)" in released[0]["data"], released
        time.sleep(2.0)  # offered again, 1003's phone would have more INVITEs by now
        assert len(phone.requests("INVITE")) == 3, stack["log"].read_text(errors="replace")[-3000:]
        assert _agents(env)["1003"] == "released"
        _agents(env, logout=["1003"], login=["1002"])
    finally:
        caller.join(90)
        call(env, setup_commands.set_no_answer_state, service="Bonds", state="released")
        call(
            env, setup_commands.set_extensions, extensions={"1003": f"sip:1003@{f.HOST}:{stack['phones']['busy'].port}"}
        )
    done = result["r"]
    assert done.returncode == 0, (done.stdout + done.stderr)[-2000:] + stack["log"].read_text(errors="replace")[-3000:]
    rows = db.wait_rows(
        stack["db"], "SELECT * FROM acd_callrecord WHERE irn = ? AND outcome != 'active'", (IRN,), closed + 1
    )
    profile = json.loads(max(rows, key=lambda r: r["id"])["profile"])
    assert profile["Agent Number"] == "1002", profile
