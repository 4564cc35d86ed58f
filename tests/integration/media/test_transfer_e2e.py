"""Blind transfer end to end: sipp caller → Kamailio front → media pool → sipp agent phone, then a staff
`POST /api/calls/{call_id}/transfer/` moves the caller on.

A separate installation (own var/ dir, file SQLite, Redis db 12) with the demo (IRN 5100: the customer id
1001 routes to Stocks) and one more IRN, 5198, whose script plays a prompt and hangs up. Agent 1001's phone
(`uas_agent_stays.xml`) answers and stays until the child hangs it up; agent 1002's phone (`uas_agent.xml`,
the transfer target, reached by the bare extension "1002") fails the call unless the INVITE carries
X-STCC-Customer-Number, answers, and hangs up after ~1 s; agent 1003's phone is the same kind (the next
agent after a failed transfer); a `uas_busy.xml` phone answers 486.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis

from tests.integration.media import child_helpers as h
from tests.integration.media import db, setup_commands
from tests.integration.media import sipfront_helpers as f
from tests.integration.media.pool import END_TO_END, manage, media_pool
from tests.integration.run import call

pytestmark = END_TO_END
pytest.importorskip("pjsua2")

CHILDREN = 2
ROUTE_IRN = "5100"  # the demo's: customer 1001 goes to Stocks
REDIS_DB = 9  # shared with test_originate_e2e, never flushed: ours is only a key prefix (10-15 are flushed by others)
GOODBYE_IRN = "5198"
SCRIPT_TO_EXTENSION_IRN = "5197"
SCRIPT_TO_IRN_IRN = "5196"

_BYE = {"id": "bye", "action": "hang_up", "params": {}, "exits": {}}
_SORRY = {"id": "sorry", "action": "play_prompt", "params": {"prompts": ["transfer_goodbye"]}, "exits": {"next": "bye"}}
SCRIPTS = [
    (
        GOODBYE_IRN,
        "Transfer goodbye",
        [
            {
                "id": "hello",
                "action": "play_prompt",
                "params": {"prompts": ["transfer_goodbye"]},
                "exits": {"next": "bye"},
            },
            _BYE,
        ],
    ),
    (
        SCRIPT_TO_EXTENSION_IRN,
        "Transfer to the desk",
        [
            {
                "id": "customer",
                "action": "change_profile",
                "params": {"assignments": [{"field": "Customer Number", "value": "4242"}]},
                "exits": {"next": "xfer"},
            },
            {
                "id": "xfer",
                "action": "transfer",
                "params": {"kind": "extension", "target": "1002"},
                "exits": {"transferred": None, "failure": "sorry"},
            },
            _SORRY,
            _BYE,
        ],
    ),
    (
        SCRIPT_TO_IRN_IRN,
        "Transfer to goodbye",
        [
            {
                "id": "xfer",
                "action": "transfer",
                "params": {"kind": "irn", "target": GOODBYE_IRN},
                "exits": {"transferred": None, "failure": "sorry"},
            },
            _SORRY,
            _BYE,
        ],
    ),
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    work = tmp_path_factory.mktemp("transfer")
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    prefix = f"ccweb:transfer-e2e:{uuid.uuid4().hex[:8]}:"
    env = {
        **os.environ,
        "CCWEB_VAR_DIR": str(var),
        "REDIS_URL": redis_url,
        "CCWEB_ACD_REDIS_PREFIX": prefix,
        "CCWEB_ACD_GROUP_PREFIX": f"ccweb.transfer{uuid.uuid4().hex[:8]}.",
        "DJANGO_SETTINGS_MODULE": "ccweb.settings",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        "CCWEB_TRANSFER_RING_SECONDS": "8",
    }
    env.pop("DATABASE_URL", None)
    env.pop("CCWEB_OUTBOUND_GATEWAY", None)
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo")
    (var / "prompts" / "0").mkdir(parents=True, exist_ok=True)
    h.make_prompt(var / "prompts" / "0" / "enter_customer_id.wav", seconds=0.3)
    h.make_prompt(var / "prompts" / "0" / "transfer_goodbye.wav", seconds=0.5)

    phones: dict[str, f.Sipp] = {}
    try:
        for name, scenario, *extra in [
            ("agent", "uas_agent_stays.xml"),
            ("target", "uas_agent.xml"),
            ("next", "uas_agent.xml"),
            ("busy", "uas_busy.xml"),
            ("refers", "uas_agent_refers.xml", "-s", "1002"),  # REFER to agent 1002's extension
        ]:
            phones[name] = _start_uas(work, scenario, *extra)
    except Exception:  # no phone left running when one of them cannot start
        for phone in phones.values():
            phone.stop()
        raise
    extensions = {
        "1001": f"sip:1001@{f.HOST}:{phones['agent'].port}",
        "1002": f"sip:1002@{f.HOST}:{phones['target'].port}",
        "1003": f"sip:1003@{f.HOST}:{phones['next'].port}",
    }

    try:
        irns = call(env, setup_commands.transfer_installation, extensions=extensions, scripts=SCRIPTS)
        assert irns == {number: name for number, name, _ in SCRIPTS}, irns
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
                print(log.read_text(errors="replace")[-6000:])
    finally:
        for phone in phones.values():
            phone.stop()
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


def _start_uas(work: Path, scenario: str, *extra: str) -> f.Sipp:
    """A sipp phone (`extra`: more sipp arguments); tried again on other free ports when one was taken
    meanwhile (tests run side by side)."""
    for attempt in range(3):
        port = f.free_udp_port()
        name = f"{Path(scenario).stem}_{port}"
        messages = work / f"{name}_messages.log"
        args = [f.sipp_binary(), "-sf", str(f.SCENARIOS / scenario), "-i", f.HOST, "-p", str(port), "-bind_local"]
        args += ["-mp", str(f.free_udp_port()), "-nostdin", "-trace_msg", "-message_file", str(messages), "-aa"]
        args += ["-trace_err", "-error_file", str(work / f"{name}_errors.log"), *extra]
        stdout = work / f"{name}.out"
        with stdout.open("wb") as out:
            process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=work, start_new_session=True)
        time.sleep(0.2)
        if process.poll() is None:
            return f.Sipp(process=process, messages=messages, port=port, stdout=stdout)
        if attempt == 2:
            raise RuntimeError(f"sipp {scenario} exited: {stdout.read_text()[-2000:]}")
    raise AssertionError("unreachable")


def _answered_call(stack, agent: str, after_id: int, timeout: float = 30.0) -> str:
    """The ACD call id of the next call `agent` answers."""
    deadline = time.monotonic() + timeout
    while True:
        rows = db.rows(
            stack["db"],
            "SELECT * FROM acd_acdevent WHERE kind = 'answered' AND agent = ? AND id > ?",
            (agent, after_id),
        )
        if rows:
            return rows[-1]["call_id"]
        assert time.monotonic() < deadline, stack["log"].read_text(errors="replace")[-4000:]
        time.sleep(0.2)


def _last_event_id(stack) -> int:
    rows = db.rows(stack["db"], "SELECT MAX(id) AS id FROM acd_acdevent")
    return rows[0]["id"] or 0


def _agents(env, *, login=(), logout=()) -> dict[str, str | None]:
    """Agents logged out, then in and ready; the live states of 1001-1003."""
    return call(env, setup_commands.log_agents, login=list(login), logout=list(logout))


def _transfer(stack, call_id: str, target: str) -> tuple[int, dict]:
    response = call(stack["env"], setup_commands.api_transfer, call_id=call_id, target=target)
    return response["status"], response["body"]


def _record(stack, call_id: str) -> dict:
    rows = db.wait_rows(
        stack["db"], "SELECT * FROM acd_callrecord WHERE call_id = ? AND outcome != 'active'", (call_id,), 1
    )
    assert rows, f"record of {call_id} not closed: " + stack["log"].read_text(errors="replace")[-4000:]
    record = rows[0]
    record["profile"], record["trace"] = json.loads(record["profile"]), json.loads(record["trace"])
    return record


def _events(stack, call_id: str) -> list[tuple[str, str]]:
    return [(r["kind"], r["agent"]) for r in db.events(stack["db"], call_id)]


def _caller(stack, customer: str = "1001", timeout: int = 60) -> tuple[threading.Thread, dict]:
    result: dict = {}

    def call() -> None:
        result["r"] = f.call_with_digits(stack["work"], stack["front"].port, ROUTE_IRN, customer, timeout=timeout)

    thread = threading.Thread(target=call)
    thread.start()
    return thread, result


def _caller_done(stack, thread: threading.Thread, result: dict) -> None:
    thread.join(90)
    call = result["r"]
    assert call.returncode == 0, (call.stdout + call.stderr)[-2000:] + stack["log"].read_text(errors="replace")[-4000:]


def _bye_received(phone: f.Sipp) -> int:
    return len(phone.requests("BYE"))


def test_transfer_to_a_bare_extension_rings_it_with_the_profile_and_bridges_the_caller(stack):
    """Agent 1001 talks to the caller; the API transfers the call to "1002" (agent 1002's extension): 1001's
    phone gets a BYE and 1001 goes to wrap-up; 1002's phone gets the INVITE with the X-STCC headers, answers,
    talks, hangs up — and the caller's leg ends with it (the caller got the BYE: sipp exits 0). The record is
    completed with a transfer entry in its trace."""
    states = _agents(stack["env"], login=["1001"], logout=["1002", "1003"])
    assert states["1001"] == "available", states
    before, agent_byes = _last_event_id(stack), _bye_received(stack["phones"]["agent"])
    targets_before = len(stack["phones"]["target"].requests("INVITE"))
    thread, result = _caller(stack)
    call_id = _answered_call(stack, "1001", before)
    status, body = _transfer(stack, call_id, "1002")
    assert status == 202, body
    assert (body["kind"], body["destination"], body["agent"]) == (
        "extension",
        f"sip:1002@{f.HOST}:{stack['phones']['target'].port}",
        "1001",
    )
    _caller_done(stack, thread, result)

    invites = stack["phones"]["target"].requests("INVITE")
    assert len(invites) == targets_before + 1, stack["log"].read_text(errors="replace")[-4000:]
    assert "X-STCC-Customer-Number: 1001" in invites[-1] and "X-STCC-Service: Stocks" in invites[-1], invites[-1]
    assert _bye_received(stack["phones"]["agent"]) == agent_byes + 1  # the agent's leg was hung up
    record = _record(stack, call_id)
    assert record["outcome"] == "completed", record
    transfer = [
        step for step in record["trace"] if step["action"] == "transfer" and step.get("by", "").startswith("api")
    ]
    assert len(transfer) == 1, record["trace"]
    assert (transfer[0]["exit"], transfer[0]["target"], transfer[0]["from_agent"], transfer[0]["to_agent"]) == (
        "answered",
        "1002",
        "1001",
        "1002",
    )
    assert _events(stack, call_id) == [("queued", ""), ("offered", "1001"), ("answered", "1001")]
    assert _agents(stack["env"])["1001"] == "wrap_up"


def test_transfer_to_an_irn_runs_its_script_on_the_same_call(stack):
    """The API transfers the connected call to IRN 5198: the agent leaves (BYE, wrap-up) and the caller, on the
    same ACD call id and record, runs 5198's script (a prompt, then the hang-up the caller receives)."""
    _agents(stack["env"], logout=["1001", "1002", "1003"])
    _agents(stack["env"], login=["1001"])
    before, agent_byes = _last_event_id(stack), _bye_received(stack["phones"]["agent"])
    thread, result = _caller(stack)
    call_id = _answered_call(stack, "1001", before)
    status, body = _transfer(stack, call_id, GOODBYE_IRN)
    assert status == 202 and (body["kind"], body["destination"]) == ("irn", GOODBYE_IRN), body
    _caller_done(stack, thread, result)

    assert _bye_received(stack["phones"]["agent"]) == agent_byes + 1
    record = _record(stack, call_id)
    assert record["outcome"] == "completed", record
    steps = [(step["action"], step["exit"], step.get("script", "")) for step in record["trace"]]
    at = steps.index(("transfer", "rerouted", ""))
    assert steps[at + 1 :] == [("play_prompt", "next", "Transfer goodbye"), ("hang_up", "hung_up", "Transfer goodbye")]
    first = "Route by customer type"  # 5100's script ran first, up to the queue
    assert steps[0] == ("get_digits", "success", first) and steps[at - 1] == ("queue_to_service", "queued", first)
    assert record["profile"]["Agent Number"] == "" and record["irn"] == "5100"
    assert _events(stack, call_id) == [("queued", ""), ("offered", "1001"), ("answered", "1001")]
    assert _agents(stack["env"])["1001"] == "wrap_up"


def test_a_busy_target_puts_the_caller_back_in_the_queue_for_the_next_agent(stack):
    """The target answers 486: the caller is not dropped but queued again to Stocks on music on hold; agent
    1003 logs in, takes the call, talks and hangs up. The trace says the transfer was busy."""
    _agents(stack["env"], logout=["1001", "1002", "1003"])
    _agents(stack["env"], login=["1001"])
    before = _last_event_id(stack)
    thread, result = _caller(stack)
    call_id = _answered_call(stack, "1001", before)
    busy = f"sip:busy@{f.HOST}:{stack['phones']['busy'].port}"
    status, body = _transfer(stack, call_id, busy)
    assert status == 202, body
    deadline = time.monotonic() + 20
    while _events(stack, call_id).count(("queued", "")) < 2:
        assert time.monotonic() < deadline, stack["log"].read_text(errors="replace")[-4000:]
        time.sleep(0.3)
    _agents(stack["env"], login=["1003"])
    _caller_done(stack, thread, result)

    record = _record(stack, call_id)
    assert (record["outcome"], record["profile"]["Agent Number"]) == ("completed", "1003"), record
    transfer = [step for step in record["trace"] if step["action"] == "transfer"]
    assert [(s["exit"], s["destination"]) for s in transfer] == [("busy", busy)], record["trace"]
    events = _events(stack, call_id)
    assert events[:3] == [("queued", ""), ("offered", "1001"), ("answered", "1001")], events
    assert ("answered", "1003") in events[3:], events


def _dial(stack, irn: str, timeout: int = 40) -> subprocess.CompletedProcess:
    """A sipp caller to `irn` through the front that waits for the BYE (uac_wait_bye.xml)."""
    work = stack["work"]
    port = f.free_udp_port()
    args = ["sipp", f"{f.HOST}:{stack['front'].port}", "-sf", str(f.SCENARIOS / "uac_wait_bye.xml")]
    args += ["-i", f.HOST, "-p", str(port), "-s", irn, "-bind_local", "-m", "1", "-r", "1"]
    args += ["-mp", str(f.free_udp_port()), "-nostdin", "-timeout", f"{timeout}s", "-timeout_error"]
    args += ["-trace_msg", "-message_file", str(work / f"uac_{port}_messages.log")]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout + 15, cwd=work)


def _last_record_of(stack, irn: str) -> dict:
    rows = db.wait_rows(
        stack["db"], "SELECT call_id FROM acd_callrecord WHERE irn = ? AND outcome != 'active'", (irn,), 1
    )
    assert rows, stack["log"].read_text(errors="replace")[-4000:]
    return _record(stack, rows[-1]["call_id"])


def test_a_scripts_transfer_action_dials_an_extension_or_re_routes_to_an_irn(stack):
    """IRN 5197's script sets Customer Number and transfers to extension "1002": the phone gets the INVITE
    with X-STCC-Customer-Number, answers, hangs up, and the caller's leg ends with it. IRN 5196's script
    transfers to IRN 5198: the caller then hears 5198's script on the same call (one record, both scripts)."""
    targets_before = len(stack["phones"]["target"].requests("INVITE"))
    result = _dial(stack, SCRIPT_TO_EXTENSION_IRN)
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:] + stack["log"].read_text(errors="replace")[
        -4000:
    ]
    invites = stack["phones"]["target"].requests("INVITE")
    assert len(invites) == targets_before + 1 and "X-STCC-Customer-Number: 4242" in invites[-1], invites[-1:]
    record = _last_record_of(stack, SCRIPT_TO_EXTENSION_IRN)
    steps = [(s["action"], s["exit"], s.get("by", "")) for s in record["trace"]]
    assert record["outcome"] == "completed", record
    assert steps == [
        ("change_profile", "next", ""),
        ("transfer", "transferred", ""),
        ("transfer", "answered", "script"),
    ]

    result = _dial(stack, SCRIPT_TO_IRN_IRN)
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:] + stack["log"].read_text(errors="replace")[
        -4000:
    ]
    record = _last_record_of(stack, SCRIPT_TO_IRN_IRN)
    steps = [(s["action"], s["exit"], s.get("script", "")) for s in record["trace"]]
    assert record["outcome"] == "completed", record
    assert steps == [
        ("transfer", "transferred", "Transfer to goodbye"),
        ("transfer", "rerouted", ""),
        ("play_prompt", "next", "Transfer goodbye"),
        ("hang_up", "hung_up", "Transfer goodbye"),
    ], steps


def test_the_agents_phone_transfers_by_refer(stack):
    """Agent 1001's phone sends REFER (Refer-To sip:1002@<the child>): the child declines the REFER (603: pjsua
    would dial it itself, without the headers) and runs the same blind transfer as the API — 1001's leg hung up
    (wrap-up), agent 1002's extension rung with the X-STCC headers, bridged; its hang-up ends the call."""
    phones, env = stack["phones"], stack["env"]
    _agents(env, logout=["1001", "1002", "1003"])
    refers = f"sip:1001@{f.HOST}:{phones['refers'].port}"
    assert call(env, setup_commands.set_extensions, extensions={"1001": refers}) == {"1001": refers}
    try:
        _agents(env, login=["1001"])
        before, targets_before = _last_event_id(stack), len(phones["target"].requests("INVITE"))
        thread, result = _caller(stack)
        call_id = _answered_call(stack, "1001", before)
        _caller_done(stack, thread, result)
    finally:
        call(env, setup_commands.set_extensions, extensions={"1001": f"sip:1001@{f.HOST}:{phones['agent'].port}"})

    invites = phones["target"].requests("INVITE")
    assert len(invites) == targets_before + 1 and "X-STCC-Customer-Number: 1001" in invites[-1], invites[-1:]
    sent = phones["refers"].messages.read_text(errors="replace")
    assert "SIP/2.0 603" in sent and _bye_received(phones["refers"]) >= 1
    record = _record(stack, call_id)
    transfer = [s for s in record["trace"] if s["action"] == "transfer"]
    assert [(s["exit"], s["by"], s["target"], s["from_agent"]) for s in transfer] == [
        ("answered", "refer", "1002", "1001")
    ]
    assert record["outcome"] == "completed"
    assert _agents(env)["1001"] == "wrap_up"
