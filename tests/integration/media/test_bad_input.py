"""Bad input through the real front to a real media pool (issue 6, "Bad input").

One installation for the module (`bad_input_stack`): 2 media children behind Kamailio, IRNs for a prompt,
digits, a slow MariaDB query and a queue whose only agent never answers. Every case checks the SIP answer
(or the silence SIP asks for), that the children are the same processes and alive with no restart and no
traceback in the pool's log, and the CallRecord where a call was made; after each request that made no call
(and after the unanswered agent) a good call must succeed — the other cases are calls that succeed themselves.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import threading
import time
from pathlib import Path

import pytest

from tests.integration.media import bad_input_stack as b
from tests.integration.media import db
from tests.integration.media import sipfront_helpers as f
from tests.integration.media.pool import END_TO_END
from tests.sql_databases import OdbcServer

pytestmark = END_TO_END
pytest.importorskip("pjsua2")


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory):
    server = OdbcServer("mariadb", tmp_path_factory.mktemp("mariadb"))
    yield server
    server.drop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, mariadb):
    yield from b.start_stack(tmp_path_factory, mariadb)


@pytest.fixture(scope="module")
def pids(stack) -> list[int]:
    found = stack.child_pids()
    assert len(found) == stack.children, stack.log_text()[-3000:]
    return found


def _good_call(stack: b.Stack) -> None:
    """A normal call right after the bad one: answered, prompt, the child's BYE; recorded completed."""
    before = len(stack.records("irn = ? AND outcome = 'completed'", (b.HELLO,)))
    run = b.run_sipp(stack, "uac_wait_bye.xml", b.HELLO)
    assert run.returncode == 0, run.output[-2000:] + stack.log_text()[-3000:]
    assert stack.wait_records("irn = ? AND outcome = 'completed'", (b.HELLO,), before + 1)[before:], "no record"


# ----- malformed SIP ---------------------------------------------------------------------------------------

#: scenario -> the status the caller gets (None: Kamailio drops the request, SIP has nowhere to answer)
MALFORMED = {
    "bad_no_via.xml": None,
    "bad_garbled_via.xml": None,
    "bad_no_cseq.xml": None,
    "bad_garbled_cseq.xml": 400,
    "bad_cseq_method.xml": 400,
    "bad_content_length_long.xml": 400,
    "bad_content_length_short.xml": 400,
    "bad_garbage_header.xml": None,
    "bad_sdp.xml": 400,
    "bad_no_common_codec.xml": 488,
}


@pytest.mark.parametrize("scenario", list(MALFORMED))
def test_malformed_invite_gets_its_answer_and_the_children_live_on(stack, pids, scenario):
    records = len(stack.records("1 = 1"))
    run = b.run_sipp(stack, scenario, b.HELLO, timeout=10)
    assert run.returncode == 0, run.output[-2000:] + run.messages[-2000:]
    expected = MALFORMED[scenario]
    finals = [code for code in run.received_statuses() if code >= 200]
    assert finals == ([] if expected is None else [expected]), run.messages[-2000:]
    stack.assert_children_unchanged(pids)
    _good_call(stack)
    stack.assert_children_unchanged(pids)
    # no call was created for a request the front or pjsua refused: only the good call's record is new
    assert len(stack.records("1 = 1")) == records + 1
    assert not stack.records("outcome = 'active'")


def test_raw_garbage_bytes_are_dropped_and_the_children_live_on(stack, pids):
    """Random bytes, a lone CRLF keep-alive, a request line with nothing after it, a NUL-laden header block:
    UDP and TCP; Kamailio answers none (nothing parses) and keeps running. Over TCP also a Content-Length
    that lies and a 200 kB message."""
    junk = [
        os.urandom(600),
        b"\r\n\r\n",
        b"INVITE sip:5100@x SIP/2.0\r\n\r\n",
        b"INVITE \x00\x00\x00 SIP/2.0\r\nVia\x00:\r\n\r\n",
    ]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind((f.HOST, 0))
        udp.settimeout(1.0)
        for data in junk * 5:
            udp.sendto(data, (f.HOST, stack.front.port))
        with pytest.raises(TimeoutError):
            udp.recvfrom(65535)
    with socket.create_connection((f.HOST, stack.front.port), timeout=2) as tcp:
        for data in junk:
            tcp.sendall(data)
        tcp.settimeout(1.0)
        try:
            answer = tcp.recv(65535)
        except TimeoutError:
            answer = b""
    assert b"SIP/2.0 2" not in answer, answer
    # TCP: a Content-Length that promises more than ever comes (Kamailio waits on that connection only), and a
    # message larger than Kamailio's buffer (it closes that connection); neither holds up anybody else
    invite = f.sip_request("INVITE", stack.front.port, 5999).replace("Content-Length: 0", "Content-Length: 100000")
    waiting = socket.create_connection((f.HOST, stack.front.port), timeout=2)
    waiting.sendall(invite.encode() + b"v=0\r\n")
    with socket.create_connection((f.HOST, stack.front.port), timeout=2) as huge:
        try:
            huge.sendall(b"INVITE sip:5100@x SIP/2.0\r\nX-Junk: " + b"j" * 200_000 + b"\r\n\r\n")
        except OSError:
            pass  # Kamailio may close the connection before it has read everything
    try:
        assert f.sip_options(stack.front.port) == "SIP/2.0 200 OK"
    finally:
        waiting.close()
    assert stack.front.alive()
    stack.assert_children_unchanged(pids)
    _good_call(stack)


def test_bad_requests_inside_a_call_are_refused_and_the_call_goes_on(stack, pids):
    """In an answered call: INFO with a nonsense or empty dtmf-relay body (200, ignored), INFO of an unknown
    type (415), a re-INVITE with no common codec (488) and one whose SDP does not parse (400); the call keeps
    its media and its script: the digits typed afterwards are the entries (the INFO's `Z` is no DTMF key and
    is ignored), and the call completes."""
    before = len(stack.records("irn = ?", (b.DIGITS,)))
    run = b.run_sipp(stack, "bad_in_dialog.xml", b.DIGITS, timeout=30)
    assert run.returncode == 0, run.output[-3000:] + stack.log_text()[-3000:]
    record = stack.wait_records("irn = ? AND outcome != 'active'", (b.DIGITS,), before + 1)[-1]
    assert record["outcome"] == "completed", record
    profile = json.loads(record["profile"])
    assert (profile["Customer Number"], profile["Account Number"]) == ("1234", "5678"), record["trace"]
    stack.assert_children_unchanged(pids)


def _long_values_call(stack: b.Stack, user: str, name: str) -> dict:
    before = len(stack.records("irn = ?", (b.HELLO,)))
    call_id = ["-cid_str", "%u-%p@%s-" + "x" * 400]
    run = b.run_sipp(
        stack, "bad_long_values.xml", b.HELLO, extra=["-set", "user", user, "-set", "name", name, *call_id]
    )
    assert run.returncode == 0, run.output[-2000:] + stack.log_text()[-3000:]
    record = stack.wait_records("irn = ? AND outcome != 'active'", (b.HELLO,), before + 1)[-1]
    assert record["outcome"] == "completed", record
    return record


def test_oversized_invite_values_still_make_a_call_and_a_record(stack, pids):
    """A 200-digit From user and a 400-character Call-ID: the call runs its script and completes; the
    record's columns are cut to their size (PostgreSQL and MariaDB would refuse the row otherwise), the
    profile keeps the whole values."""
    user = "+1" + "5" * 200
    record = _long_values_call(stack, user, "Long Caller")
    profile = json.loads(record["profile"])
    assert record["ani"] == user[:64], record
    assert (profile["ANI"], profile["Caller Name"]) == (user, "Long Caller")
    # pjsua2 hands over at most 128 characters of the Call-ID (CallInfo.callIdString)
    assert record["sw_call_guid"] == profile["SW Call GUID"][:255] and "-xxxx" in record["sw_call_guid"]
    stack.assert_children_unchanged(pids)


def test_a_from_longer_than_pjsua2_prints_keeps_its_caller_number(stack, pids):
    """A 1000-character display name: pjsua2's CallInfo.remoteUri prints such a From as
    `<-error: uri too long->`, so media_worker/pjsua/endpoint.py reads the From from the raw INVITE."""
    record = _long_values_call(stack, "+15551230000", "A" * 1000)
    stack.assert_children_unchanged(pids)
    assert record["ani"] == "+15551230000", record


def test_a_request_too_large_gets_513_from_the_front_and_no_child_goes_inactive(stack, pids):
    """A 20 kB INVITE, 40 times in a burst: each gets 513 from Kamailio; the dispatcher keeps every child
    active (a child that stayed silent on them would have been marked inactive) and a good call works."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind((f.HOST, 0))
        udp.settimeout(3.0)
        local = udp.getsockname()[1]
        for _ in range(40):
            invite = f.sip_request("INVITE", stack.front.port, local, extra=f"X-Pad: {'a' * 20000}\r\n")
            udp.sendto(invite.encode(), (f.HOST, stack.front.port))
            time.sleep(0.005)  # a burst, paced so the kernel's buffers drop none of it
        answers = []
        try:
            while len(answers) < 40:
                answers.append(udp.recvfrom(65535)[0].split(b"\r\n", 1)[0])
        except TimeoutError:
            log = stack.front.log.read_text(errors="replace")[-2000:]
            raise AssertionError(f"{len(answers)} answers: {log}") from None
    assert set(answers) == {b"SIP/2.0 513 Message Too Large"}, answers[:3]
    flags = stack.front.child_flags()
    assert flags and all(flag.startswith("A") for flag in flags.values()), flags
    _good_call(stack)
    stack.assert_children_unchanged(pids)


def test_a_retransmitted_invite_is_one_call(stack, pids):
    """The INVITE sent again after its 100 Trying, with the same Call-ID, From tag, CSeq and branch: one call,
    one CallRecord, one script run (the front's transaction absorbs the retransmission)."""
    before = len(stack.records("irn = ?", (b.HELLO,)))
    run = b.run_sipp(stack, "uac_invite_retransmitted.xml", b.HELLO)
    assert run.returncode == 0, run.output[-2000:] + run.messages[-3000:]
    sent = [block for block in run.messages.split("----------") if "INVITE sip:" in block and "SIP/2.0\n" in block]
    branches = {
        line.split("branch=", 1)[1].strip() for block in sent for line in block.splitlines() if "branch=" in line
    }
    assert len(sent) >= 2 and len(branches) == 1, run.messages[-3000:]
    records = stack.wait_records("irn = ? AND outcome != 'active'", (b.HELLO,), before + 1)
    time.sleep(1.0)  # a second call would have its record by now
    assert len(stack.records("irn = ?", (b.HELLO,))) == before + 1, stack.records("irn = ?", (b.HELLO,))[before:]
    assert records[-1]["outcome"] == "completed", records[-1]
    stack.assert_children_unchanged(pids)


def test_ani_and_caller_name_are_read_as_rfc_3261_writes_them(stack, pids):
    """A percent-encoded user part with a telephone-subscriber parameter and a quoted display name with
    quoted-pairs: the profile (and so the CRM lookup and the X-STCC headers) carries exactly what the caller
    meant: `%2B` is `+`, `;isub=…` is dropped (routing.inbound.sip_user), `\\"` is `"`."""
    record = _long_values_call(stack, "%2B15551234;isub=77", 'Ann \\"The Boss\\" <x> \\\\ 1')
    profile = json.loads(record["profile"])
    assert (record["ani"], profile["ANI"]) == ("+15551234", "+15551234"), record
    assert profile["Caller Name"] == 'Ann "The Boss" <x> \\ 1', profile["Caller Name"]
    stack.assert_children_unchanged(pids)


def test_an_audio_stream_refused_with_port_zero_gets_488(stack, pids):
    """`m=audio 0`: the caller refuses the only stream; pjsua2 answers 488, no call is made."""
    records = len(stack.records("1 = 1"))
    run = b.run_sipp(stack, "bad_sdp_port_zero.xml", b.HELLO)
    assert run.returncode == 0, run.output[-2000:]
    assert [code for code in run.received_statuses() if code >= 200] == [488], run.messages[-2000:]
    assert len(stack.records("1 = 1")) == records
    stack.assert_children_unchanged(pids)
    _good_call(stack)


def test_an_inactive_audio_stream_does_not_hold_the_script(stack, pids):
    """`a=inactive`: the call is answered but its audio never comes up. The prompt counts as played after
    the grace period (it used to wait until the caller gave up), the script ends and hangs up."""
    before = len(stack.records("irn = ?", (b.HELLO,)))
    started = time.monotonic()
    run = b.run_sipp(stack, "bad_sdp_inactive.xml", b.HELLO)
    assert run.returncode == 0, run.output[-2000:] + stack.log_text()[-3000:]
    assert time.monotonic() - started < 12
    record = stack.wait_records("irn = ? AND outcome != 'active'", (b.HELLO,), before + 1)[-1]
    assert record["outcome"] == "completed", record
    assert "prompt hello.wav skipped" in stack.log_text()
    stack.assert_children_unchanged(pids)


def test_hold_and_resume_during_a_prompt_keep_the_call_working(stack, pids):
    """The caller holds the call (re-INVITE sendonly) during the first prompt and resumes 1.5 s later: both
    re-INVITEs get 200, the digits typed afterwards are the entries, and the announcement after the resume
    reaches the caller (RTP arrives after the resume)."""
    before = len(stack.records("irn = ?", (b.DIGITS,)))
    with _RtpCounter() as audio:
        started = time.monotonic()
        run = b.run_sipp(stack, "bad_hold_during_prompt.xml", b.DIGITS, timeout=30, extra=audio.key())
    assert run.returncode == 0, run.output[-2000:] + stack.log_text()[-3000:]
    assert [code for code in run.received_statuses() if code >= 200] == [200, 200, 200] + [200] * 8
    record = stack.wait_records("irn = ? AND outcome != 'active'", (b.DIGITS,), before + 1)[-1]
    profile = json.loads(record["profile"])
    assert record["outcome"] == "completed", record
    assert (profile["Customer Number"], profile["Account Number"]) == ("1234", "5678"), record["trace"]
    after_resume = [at for at in audio.times if at - started > 2.0]
    assert len(after_resume) > 25, (len(audio.times), len(after_resume))  # the spoken 1234 (> 0.5 s of audio)
    stack.assert_children_unchanged(pids)


# ----- INVITE without SDP ------------------------------------------------------------------------------------


def test_invite_without_sdp_gets_an_offer_in_the_200_and_the_script_runs(stack, pids):
    """A delayed offer: the child offers SDP in its 200, takes the caller's answer from the ACK, plays the
    prompt (RTP flows) and hangs up; the call is recorded completed."""
    before = len(stack.records("irn = ? AND outcome = 'completed'", (b.HELLO,)))
    run = b.run_sipp(stack, "bad_no_sdp.xml", b.HELLO)
    assert run.returncode == 0, run.output[-2000:] + stack.log_text()[-3000:]
    ok = run.messages.split("SIP/2.0 200 OK", 1)[1].split("message sent", 1)[0]
    assert "m=audio" in ok and "PCMU" in ok, ok
    rows = stack.wait_records("irn = ? AND outcome = 'completed'", (b.HELLO,), before + 1)
    assert [step["action"] for step in json.loads(rows[-1]["trace"])] == ["play_prompt"]
    ended = [s for s in _statuses(stack, "ended") if s["answered"]]
    assert ended and ended[-1]["rtp_tx_packets"] > 0, ended[-3:]
    stack.assert_children_unchanged(pids)


# ----- DTMF floods -------------------------------------------------------------------------------------------


def _check_digits_call(stack: b.Stack, run: b.SippRun, before: int, pids: list[int], drops: int) -> dict:
    assert run.returncode == 0, run.output[-2000:] + stack.log_text()[-3000:]
    # the type-ahead bound did its work: the child logged the digits it dropped for this call
    assert stack.log_text().count("DTMF digits dropped (type-ahead full)") > drops, stack.log_text()[-3000:]
    rows = stack.wait_records("irn = ? AND outcome != 'active'", (b.DIGITS,), before + 1)
    record = rows[-1]
    assert record["outcome"] == "completed", record
    trace = [(step["action"], step["exit"]) for step in json.loads(record["trace"])]
    assert trace == [("get_digits", "success"), ("announce", "next"), ("get_digits", "success")], trace
    stack.assert_children_unchanged(pids)
    return json.loads(record["profile"])


def test_a_sip_info_dtmf_flood_leaves_the_script_working(stack, pids):
    """300 INFO digits as fast as they are answered: the first entry is 1234, the next comes from the
    type-ahead buffer (5678), the script ends normally; the buffer is bounded, so the rest is dropped."""
    before = len(stack.records("irn = ?", (b.DIGITS,)))
    drops = stack.log_text().count("DTMF digits dropped")
    run = b.run_sipp(stack, "bad_dtmf_info_flood.xml", b.DIGITS, timeout=40)
    profile = _check_digits_call(stack, run, before, pids, drops)
    assert (profile["Customer Number"], profile["Account Number"]) == ("1234", "5678"), profile
    assert run.messages.count("SIP/2.0 200 OK") > 100  # the flood really went through the front


def test_an_rfc4733_dtmf_flood_leaves_the_script_working(stack, pids):
    """500 telephone-event digits 2 ms apart to the child's RTP port (sipp plays a pcap written here)."""
    _write_dtmf_pcap(stack.work / "pcap" / "dtmf_flood.pcap", "1234567890" * 50)
    before = len(stack.records("irn = ?", (b.DIGITS,)))
    drops = stack.log_text().count("DTMF digits dropped")
    run = b.run_sipp(stack, "bad_dtmf_rtp_flood.xml", b.DIGITS, timeout=40)
    profile = _check_digits_call(stack, run, before, pids, drops)
    assert (profile["Customer Number"], profile["Account Number"]) == ("1234", "5678"), profile


def _write_dtmf_pcap(path: Path, digits: str, *, gap_s: float = 0.002) -> None:
    """A pcap of RFC 4733 events (payload type 101), one start packet and three end packets per digit,
    each digit a new event (its own RTP timestamp), `gap_s` between packets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    events = {**{str(d): d for d in range(10)}, "*": 10, "#": 11}
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    moment, seq, stamp = 1_000_000.0, 1000, 8000
    for digit in digits:
        for index, end in enumerate((False, True, True, True)):
            payload = struct.pack(">BBH", events[digit], (0x80 if end else 0) | 10, 800 if end else 160)
            marker = 0x80 if index == 0 else 0
            rtp = struct.pack(">BBHII", 0x80, marker | 101, seq & 0xFFFF, stamp, 0x1234ABCD) + payload
            udp = struct.pack(">HHHH", 40000, 6000, 8 + len(rtp), 0) + rtp
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, b"\x7f\0\0\1", b"\x7f\0\0\1")
            frame = b"\0" * 12 + b"\x08\x00" + ip + udp
            seconds = int(moment)
            out.append(struct.pack("<IIII", seconds, int((moment - seconds) * 1e6), len(frame), len(frame)) + frame)
            moment += gap_s
            seq += 1
        stamp += 1600
    path.write_bytes(b"".join(out))


# ----- a caller who hangs up during SQL ----------------------------------------------------------------------


def test_a_caller_who_hangs_up_during_sql_is_recorded_abandoned(stack, pids):
    """The script's Query Database runs `SELECT SLEEP(3)` on MariaDB over ODBC; the caller hangs up after
    1 s. The BYE is answered at once; the statement finishes in its worker thread (its exit is success, no
    error), the script stops there (its prompt is not played to nobody), and the record closes abandoned
    with the query in its trace; the child logs no traceback."""
    before = len(stack.records("irn = ?", (b.SLOW_SQL,)))
    started = time.monotonic()
    with _RtpCounter() as audio:
        run = b.run_sipp(stack, "bad_hangup_early.xml", b.SLOW_SQL, extra=["-d", "1000", *audio.key()])
    assert run.returncode == 0, run.output[-2000:] + stack.log_text()[-3000:]
    assert time.monotonic() - started < 3.0  # the BYE was answered at once, not after the SQL
    assert audio.packets > 20  # hold music while the database worked
    rows = stack.wait_records("irn = ? AND outcome != 'active'", (b.SLOW_SQL,), before + 1, timeout=15)
    record = rows[-1]
    assert (record["outcome"], record["reason"]) == ("abandoned", "caller hung up during the script"), record
    trace = json.loads(record["trace"])
    # the statement ran to its end after the caller left, then the script stopped: no prompt to nobody
    assert [(step["action"], step["exit"], step["error"]) for step in trace] == [("query_database", "success", "")]
    assert trace[0]["duration_ms"] > 2500, trace
    time.sleep(0.5)
    stack.assert_children_unchanged(pids)


def test_a_caller_who_hangs_up_in_a_retry_loop_stops_the_script(stack, pids):
    """Get Digits whose timeout exit leads back to itself: once the caller hangs up, the script stops at
    the next step — it does not spin to the step budget and the fallback (which would record the call
    failed and could queue a dead call to the fallback service)."""
    before = len(stack.records("irn = ?", (b.LOOP,)))
    run = b.run_sipp(stack, "bad_hangup_early.xml", b.LOOP, extra=["-d", "2500", "-key", "rtp_port", "9"])
    assert run.returncode == 0, run.output[-2000:] + stack.log_text()[-3000:]
    record = stack.wait_records("irn = ? AND outcome != 'active'", (b.LOOP,), before + 1)[-1]
    trace = [(step["action"], step["exit"]) for step in json.loads(record["trace"])]
    assert record["outcome"] == "abandoned", (record, trace)
    assert 1 <= len(trace) <= 4 and {action for action, _ in trace} == {"get_digits"}, trace
    stack.assert_children_unchanged(pids)


# ----- an agent who does not answer ---------------------------------------------------------------------------


def test_an_agent_who_does_not_answer_sends_the_call_back_to_queue(stack, pids):
    """The service's only agent's phone rings and never answers: after the 5 s ring timeout the child
    cancels the leg, the ACD records no_answer (the agent goes to Released), the caller stays on music on
    hold (no BYE from the child; audio keeps flowing after the no-answer), and hangs up at 7.5 s: the record
    closes abandoned."""
    before = len(stack.records("irn = ?", (b.QUEUE,)))
    invites_before = stack.phone.received("INVITE")
    with _RtpCounter() as audio:
        run = b.run_sipp(stack, "bad_hangup_early.xml", b.QUEUE, extra=["-d", "7500", *audio.key()], timeout=30)
    assert run.returncode == 0, _diagnose(stack, run)
    assert stack.phone.received("INVITE") > invites_before
    assert stack.phone.received("CANCEL") >= 1
    rows = stack.wait_records("irn = ? AND outcome != 'active'", (b.QUEUE,), before + 1)
    record = rows[-1]
    assert record["outcome"] == "abandoned", record
    events = db.events(stack.db, record["call_id"])
    kinds = [(r["kind"], r["agent"]) for r in events]
    assert kinds[0][0] == "queued" and ("no_answer", b.AGENT) in kinds, kinds
    assert ("answered", b.AGENT) not in kinds, kinds
    # hold music reached the caller for the whole wait, also after the agent's no-answer at 5 s (~7.5 s, 50/s)
    assert audio.packets > 250, audio.packets
    assert audio.last_at - audio.first_at > 6.5, (audio.first_at, audio.last_at)
    stack.assert_children_unchanged(pids)
    _good_call(stack)


class _RtpCounter:
    """A UDP socket standing in for the caller's RTP port (sipp's SDP offers it with -key rtp_port)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((f.HOST, 0))
        self.sock.settimeout(0.2)
        self.packets = 0
        self.first_at = self.last_at = 0.0
        self.times: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def key(self) -> list[str]:
        return ["-key", "rtp_port", str(self.sock.getsockname()[1])]

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.sock.recv(2048)
            except TimeoutError:
                continue
            self.last_at = time.monotonic()
            self.first_at = self.first_at or self.last_at
            self.times.append(self.last_at)
            self.packets += 1

    def __enter__(self) -> _RtpCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def _diagnose(stack: b.Stack, run: b.SippRun) -> str:
    """What a failed queue call left behind: its records, the ACD's events, the phone's messages."""
    records = stack.records("irn = ?", (b.QUEUE,))
    events = db.rows(stack.db, "SELECT * FROM acd_acdevent ORDER BY id")
    phone = stack.phone.messages.read_text(errors="replace")[-3000:] if stack.phone.messages.exists() else ""
    return f"{run.output[-1500:]}\nrecords={records}\nevents={events}\nphone={phone}\n{stack.log_text()[-3000:]}"


def _statuses(stack: b.Stack, kind: str) -> list[dict]:
    prefix = f"{kind} {{"
    found = []
    for line in stack.log_text().splitlines():
        at = line.find(prefix)
        if at >= 0:
            found.append(json.loads(line[at + len(kind) + 1 :]))
    return found
