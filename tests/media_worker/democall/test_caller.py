"""democall's plain parts (no pjsua2, no database): the front's address, the OPTIONS probe, digits, the report."""

from __future__ import annotations

import socket
import threading

import pytest

from media_worker.democall.call_report import profile_lines, report_lines, trace_lines
from media_worker.democall.caller import CallResult, check_digits
from media_worker.democall.front_target import Front, default_front, parse_front, probe_front


@pytest.mark.parametrize(
    ("text", "front"),
    [
        ("sip:127.0.0.1:5060", Front("127.0.0.1", 5060, "udp")),
        ("127.0.0.1:5070", Front("127.0.0.1", 5070, "udp")),
        ("sip:front.example.com", Front("front.example.com", 5060, "udp")),
        ("sip:10.0.0.5:5080;transport=TCP", Front("10.0.0.5", 5080, "tcp")),
        ("sip:ignored@10.0.0.5:5080", Front("10.0.0.5", 5080, "udp")),
    ],
)
def test_parse_front(text, front):
    assert parse_front(text) == front


@pytest.mark.parametrize("text", ["sip:host:port", "sip::5060", "sip:host:70000", "sip:host;transport=sctp"])
def test_parse_front_refuses_what_is_not_a_front(text):
    with pytest.raises(ValueError):
        parse_front(text)


def test_the_default_front_is_the_one_make_run_starts():
    assert default_front({}) == "sip:127.0.0.1:5060"
    assert default_front({"CCWEB_SIP_PORT": "5070", "CCWEB_SIP_LISTEN": "0.0.0.0"}) == "sip:127.0.0.1:5070"
    assert default_front({"CCWEB_SIP_LISTEN": "10.1.2.3"}) == "sip:10.1.2.3:5060"


def test_tcp_uris_keep_their_transport():
    assert Front("h", 5061, "tcp").uri("5100") == "sip:5100@h:5061;transport=tcp"


def test_digits_are_checked_and_upper_cased():
    assert check_digits("1001#*a") == "1001#*A"
    with pytest.raises(ValueError, match="'x' is not a DTMF digit"):
        check_digits("12x")


def test_probe_front_returns_the_status_line_of_a_sip_answer_and_none_for_silence():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        port = server.getsockname()[1]
        seen: list[str] = []

        def answer() -> None:
            data, peer = server.recvfrom(65535)
            seen.append(data.decode())
            server.sendto(b"SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", peer)

        thread = threading.Thread(target=answer)
        thread.start()
        assert probe_front(Front("127.0.0.1", port)) == "SIP/2.0 200 OK"
        thread.join(2)
        assert seen[0].startswith(f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n")
        # nobody answers now: None after the attempts, not an exception
        assert probe_front(Front("127.0.0.1", port), timeout=0.2) is None


def test_the_report_of_a_404_without_a_record():
    result = CallResult(number="5999", target="sip:5999@h:5060", sip_call_id="abc", status_code=404, reason="Not Found")
    lines = report_lines(result, None)
    assert "  SIP status:  404 Not Found" in lines
    assert "  answered:    no" in lines
    assert any(line.startswith("Call record: none found") for line in lines)


def test_trace_and_profile_lines():
    trace = [
        {"node": "slow", "action": "sql_execute", "exit": "success", "started_ms": 30, "duration_ms": 3031.4},
        {"node": "q", "action": "queue_to_service", "exit": None, "started_ms": 3100, "duration_ms": 5,
         "changes": {"Service": ["", "Stocks"]}, "error": "ActionFailed: no"},
    ]  # fmt: skip
    lines = trace_lines(trace)
    assert lines[0] == "   1. +  0.03s  slow sql_execute -> success  (3031 ms)"
    assert lines[1].endswith("q queue_to_service -> (no exit)  (5 ms)")
    assert lines[2:] == ["        Service: '' -> 'Stocks'", "        error: ActionFailed: no"]
    assert profile_lines({"ANI": "+1", "DNIS": "", "Service": "Stocks"}) == [
        "  ANI      +1",
        "  Service  Stocks",
        "  (1 empty field not shown)",
    ]
