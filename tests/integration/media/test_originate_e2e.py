"""Originate (issue 6 item 6) end to end: a media child dials callbacks from the ACD's originate stream.

A separate installation (own var/ dir, file SQLite, Redis db 9 under its own key prefix, never flushed) with
the demo loaded; agent 1001 (Stocks) has a sipp phone (`uas_agent_callback.xml`: fails unless the INVITE carries
`X-STCC-Customer-Number`, answers after a ring, stays on the line until the child's BYE). Customers are sipp
UAS too: one that answers and hangs up after ~1 s (`uas_customer.xml`, reached through the outbound gateway
`CCWEB_OUTBOUND_GATEWAY` for a bare number) and one that answers 486 (`uas_busy.xml`, a `sip:` URI
destination). A callback is requested in the ACD, agent 1001 gets ready, and the pool (one child behind the
front, as `make run` has it) does the rest.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from datetime import datetime

import pytest
import redis

from tests.integration.media import db, setup_commands
from tests.integration.media import sipfront_helpers as f
from tests.integration.media.pool import END_TO_END, manage, media_pool
from tests.integration.run import call

pytestmark = END_TO_END
pytest.importorskip("pjsua2")

REDIS_DB = 9  # 10-15 belong to other end-to-end modules, which flush theirs; ours is only a key prefix
PROFILE = {"Customer Number": "1001", "ANI": "+15551230001", "Customer Type": "STOCKS", "Call Type": "Callback"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    work = tmp_path_factory.mktemp("originate")
    prefix = f"ccweb:originate-e2e:{uuid.uuid4().hex[:8]}:"
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    phones = {
        "agent": f.start_uas(work, "uas_agent_callback.xml"),
        "customer": f.start_uas(work, "uas_customer.xml"),
        "busy": f.start_uas(work, "uas_busy.xml"),
    }
    env = {
        **os.environ,
        "CCWEB_VAR_DIR": str(var),
        "REDIS_URL": redis_url,
        "CCWEB_ACD_REDIS_PREFIX": prefix,
        "CCWEB_ACD_GROUP_PREFIX": f"ccweb.originate{uuid.uuid4().hex[:8]}.",
        "CCWEB_OUTBOUND_GATEWAY": f"{f.HOST}:{phones['customer'].port}",
        "CCWEB_ORIGINATE_POLL_SECONDS": "0.2",
        "DJANGO_SETTINGS_MODULE": "ccweb.settings",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    try:
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo")
        extension = f"sip:1001@{f.HOST}:{phones['agent'].port}"
        assert call(env, setup_commands.set_extensions, extensions={"1001": extension}) == {"1001": extension}
        with media_pool(env, work, 1, ready_s=40) as (front, log):
            try:
                yield {"env": env, "db": var / "ccweb.sqlite3", "log": log, "phones": phones}
            finally:
                print(log.read_text(errors="replace")[-4000:])
    finally:
        for phone in phones.values():
            phone.stop()
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


def _callback(stack, call_id: str, destinations: list[str]) -> dict[str, str]:
    """A waiting Stocks call becomes a callback (its caller has hung up); then agent 1001 gets ready."""
    return call(
        stack["env"], setup_commands.request_callback, call_id=call_id, destinations=destinations, profile=PROFILE
    )


def _engine_state(stack, call_id: str) -> dict[str, str]:
    return call(stack["env"], setup_commands.callback_state, call_id=call_id)


def _attempts(stack, call_id: str, count: int) -> list[dict]:
    """The closed CallRecords of a callback's attempts (call ids `<call>:<attempt>`), once there are `count`."""
    found = db.wait_records(stack["db"], "call_id LIKE ? AND outcome != 'active'", (f"{call_id}:%",), count, 40.0)
    assert len(found) >= count, (found, stack["log"].read_text(errors="replace")[-3000:])
    return found


def _messages(phone: f.Sipp) -> list[tuple[float, str, str]]:
    """(unix time, received|sent, first line) of each SIP message in sipp's trace."""
    text = phone.messages.read_text(errors="replace") if phone.messages.exists() else ""
    pattern = r"-{5,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\n\w+ message (received|sent) [^\n]*\n\n([^\r\n]*)"
    found = re.findall(pattern, text)
    return [(datetime.strptime(at, "%Y-%m-%d %H:%M:%S.%f").timestamp(), kind, line) for at, kind, line in found]


def test_a_callback_rings_the_agent_with_the_profile_then_dials_the_customer_and_connects(stack):
    """The agent's phone rings first with X-STCC headers from the kept profile; the customer's number (bare: to
    the outbound gateway) is dialled only once the agent answered; the customer answers, the ACD connects
    the callback (callback_made answered), the customer's BYE ends both legs, the agent goes to wrap-up, and
    the attempt's CallRecord is completed with the profile."""
    agent, customer = stack["phones"]["agent"], stack["phones"]["customer"]
    states = _callback(stack, "cb-answered", ["555-0001"])
    assert states["agent"] in ("reserved", "ringing", "on_call"), states
    (record,) = _attempts(stack, "cb-answered", 1)
    assert (record["direction"], record["outcome"], record["sip_status"]) == ("outbound", "completed", 200), record
    assert record["reason"] == "callback answered" and record["dnis"] == "555-0001"
    profile = json.loads(record["profile"])
    assert (profile["Customer Number"], profile["Agent Number"], profile["Service"]) == ("1001", "1001", "Stocks")
    assert profile["Call Type"] == "Callback"

    invite = agent.requests("INVITE")[-1]
    assert "X-STCC-Customer-Number: 1001" in invite and "X-STCC-Agent-Number: 1001" in invite, invite
    assert "X-STCC-Customer-Type: STOCKS" in invite, invite
    customer_invite = customer.requests("INVITE")[-1]
    assert customer_invite.startswith(f"INVITE sip:5550001@{f.HOST}:{customer.port}"), customer_invite
    agent_answered = min(at for at, kind, line in _messages(agent) if kind == "sent" and line.startswith("SIP/2.0 200"))
    customer_rung = min(at for at, kind, line in _messages(customer) if line.startswith("INVITE"))
    assert agent_answered < customer_rung, (agent_answered, customer_rung)
    assert any(line.startswith("BYE") for _, kind, line in _messages(agent) if kind == "received")  # the child's

    events = db.events(stack["db"], "cb-answered")
    kinds = [(e["kind"], e["agent"]) for e in events]
    assert ("answered", "1001") in kinds, kinds
    made = [json.loads(e["data"]) for e in events if e["kind"] == "callback_made"]
    assert [m["result"] for m in made] == ["answered"] and made[0]["destination"] == "555-0001"
    assert _engine_state(stack, "cb-answered") == {"agent": "wrap_up", "call": ""}


def test_a_busy_customer_uses_each_attempt_then_the_callback_is_dropped_and_the_agent_is_free(stack):
    """The customer answers 486 every time: each attempt rings the agent, dials the customer (a sip: URI, as is),
    is reported busy (callback_made busy; the agent available again, so the next attempt follows at once)
    until the service's 3 attempts are used; every attempt has a CallRecord (rejected, 486, "callback busy")."""
    agent, busy = stack["phones"]["agent"], stack["phones"]["busy"]
    agent_invites, busy_invites = len(agent.requests("INVITE")), len(busy.requests("INVITE"))
    destination = f"sip:5550002@{f.HOST}:{busy.port}"
    _callback(stack, "cb-busy", [destination])
    records = _attempts(stack, "cb-busy", 3)
    assert [(r["outcome"], r["sip_status"]) for r in records] == [("rejected", 486)] * 3, records
    assert all(r["reason"].startswith("callback busy") for r in records), records
    assert len(agent.requests("INVITE")) - agent_invites == 3 and len(busy.requests("INVITE")) - busy_invites == 3
    events = db.events(stack["db"], "cb-busy")
    made = [json.loads(e["data"]) for e in events if e["kind"] == "callback_made"]
    assert [(m["result"], m["attempt"], m["destination"]) for m in made] == [
        ("busy", 1, destination),
        ("busy", 2, destination),
        ("busy", 3, destination),
    ]
    assert made[-1]["exhausted"] is True
    assert not any(e["kind"] == "answered" for e in events)
    deadline = time.monotonic() + 10
    while (state := _engine_state(stack, "cb-busy")) != {"agent": "available", "call": ""}:
        assert time.monotonic() < deadline, state
        time.sleep(0.5)
