"""The SIP front for real: Kamailio checks the generated configuration, and routes sipp calls to sipp children.

The plain settings and rendering are tested in tests/sip_front/."""

import dataclasses
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from sip_front import config as sipfront
from tests.integration.media import sipfront_helpers as helpers

needs_sip_tools = pytest.mark.skipif(
    not (helpers.kamailio_available() and helpers.sipp_binary()), reason="kamailio and sipp are installed by install.sh"
)


# ----- Kamailio itself -----


@needs_sip_tools
@pytest.mark.integration
@pytest.mark.parametrize("ws_port", ["15066", "0"])
def test_generated_configuration_passes_kamailio_check(tmp_path, ws_port):
    """With browser phones (WebSocket, auth_ephemeral, rtpengine) and without (CCWEB_SIP_WS_PORT=0)."""
    env = {"CCWEB_MEDIA_PROCESSES": "3", "CCWEB_MEDIA_HOSTS": "10.0.0.7:5081", "CCWEB_SIP_PORT": "15060"}
    env["CCWEB_SIP_WS_PORT"] = ws_port
    front = dataclasses.replace(sipfront.front_from_env(env, var_dir=tmp_path), web_secret="shared-secret")
    sipfront.write_files(front)

    result = subprocess.run(sipfront.kamailio_command(front, check=True), capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert "config file ok" in result.stdout + result.stderr


@needs_sip_tools
@pytest.mark.integration
def test_manage_py_sip_front_check_writes_and_validates_the_configuration(tmp_path, settings, monkeypatch, capsys):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("CCWEB_MEDIA_PROCESSES", "2")
    monkeypatch.delenv("CCWEB_SIP_RUNTIME_DIR", raising=False)

    call_command("sip_front", "--check")

    assert "is valid: 2 media children" in capsys.readouterr().out
    assert "sip:127.0.0.1:5082" in (tmp_path / "kamailio-dispatcher.list").read_text()
    assert (tmp_path / "kamailio.cfg").read_text().startswith("#!KAMAILIO")


# ----- calls through a real front -----


@pytest.fixture
def processes():
    """Everything a test starts is stopped at the end, whatever happens."""
    started = []
    yield started
    for process in reversed(started):
        process.stop()


@needs_sip_tools
@pytest.mark.integration
def test_new_calls_are_spread_over_the_children_and_bye_goes_through_the_front(tmp_path, processes):
    first = helpers.start_uas(tmp_path, "uas.xml")
    second = helpers.start_uas(tmp_path, "uas.xml")
    processes += [first, second]
    front = helpers.start_front(tmp_path, [first.uri, second.uri])
    processes.append(front)

    code, output = helpers.run_uac(tmp_path, front.port, calls=8)

    assert code == 0, output
    invites = [first.received_call_ids("INVITE"), second.received_call_ids("INVITE")]
    assert len(invites[0]) + len(invites[1]) == 8
    assert not invites[0] & invites[1], "each call reaches one child"
    assert min(len(invites[0]), len(invites[1])) >= 3, "round robin uses both children"
    # in-dialog requests follow the Record-Route: each child got its calls' BYE
    assert first.received_call_ids("BYE") == invites[0]
    assert second.received_call_ids("BYE") == invites[1]
    via_front = (
        f"BYE sip:{helpers.HOST}:{first.port};transport=UDP SIP/2.0\nVia: SIP/2.0/UDP {helpers.HOST}:{front.port}"
    )
    assert via_front in first.messages.read_text()


@needs_sip_tools
@pytest.mark.integration
def test_calls_over_tcp_reach_a_udp_child(tmp_path, processes):
    child = helpers.start_uas(tmp_path, "uas.xml")
    processes.append(child)
    front = helpers.start_front(tmp_path, [child.uri])
    processes.append(front)

    code, output = helpers.run_uac(tmp_path, front.port, calls=2, transport="t1")

    assert code == 0, output
    assert len(child.received_call_ids("BYE")) == 2


@needs_sip_tools
@pytest.mark.integration
def test_a_busy_child_makes_the_front_try_the_next_one(tmp_path, processes):
    busy = helpers.start_uas(tmp_path, "uas_busy.xml")
    free = helpers.start_uas(tmp_path, "uas.xml")
    processes += [busy, free]
    front = helpers.start_front(tmp_path, [busy.uri, free.uri])
    processes.append(front)

    code, output = helpers.run_uac(tmp_path, front.port, calls=6)

    assert code == 0, output
    refused = busy.received_call_ids("INVITE")
    assert refused, "round robin offered some calls to the busy child first"
    assert refused <= free.received_call_ids("INVITE")
    assert len(free.received_call_ids("BYE")) == 6
    assert front.child_flags()[busy.uri].startswith("A"), "486 means full, not dead"


@needs_sip_tools
@pytest.mark.integration
def test_when_every_child_is_busy_the_caller_gets_503(tmp_path, processes):
    busy = helpers.start_uas(tmp_path, "uas_busy.xml")
    processes.append(busy)
    front = helpers.start_front(tmp_path, [busy.uri])
    processes.append(front)

    assert helpers.invite_status(front.port) == "SIP/2.0 503 All Media Workers Busy"


@needs_sip_tools
@pytest.mark.integration
def test_a_dead_child_is_skipped_then_left_out_once_pings_find_it_dead(tmp_path, processes):
    hung = helpers.start_uas(tmp_path, "uas_dead.xml", auto_answer=False)
    live = helpers.start_uas(tmp_path, "uas.xml")
    processes += [hung, live]
    nothing_there = f"sip:{helpers.HOST}:{helpers.free_udp_port()}"
    front = helpers.start_front(tmp_path, [hung.uri, nothing_there, live.uri], ping_interval_s=30)
    processes.append(front)

    # pings every 30 s: the first calls find the dead children themselves, by timeout; three calls
    # 100 ms apart make round robin offer one first to each child
    started = time.monotonic()
    code, output = helpers.run_uac(tmp_path, front.port, calls=3)
    assert code == 0, output
    assert time.monotonic() - started >= 1.0, "the call waited for the first child's timeout"
    assert hung.received_call_ids("INVITE"), "the first call was offered to the hung child"
    flags = front.child_flags()
    assert flags[hung.uri].startswith("I") and flags[nothing_there].startswith("I"), flags
    assert flags[live.uri].startswith("A"), flags

    hung_invites = hung.received("INVITE")
    started = time.monotonic()
    code, output = helpers.run_uac(tmp_path, front.port, calls=4)
    assert code == 0, output
    assert time.monotonic() - started < 2.0, "no more timeouts: calls go straight to the live child"
    assert hung.received("INVITE") == hung_invites
    assert len(live.received_call_ids("BYE")) == 7


@needs_sip_tools
@pytest.mark.integration
def test_options_pings_mark_a_dead_child_inactive_before_any_call(tmp_path, processes):
    live = helpers.start_uas(tmp_path, "uas.xml")
    processes.append(live)
    nothing_there = f"sip:{helpers.HOST}:{helpers.free_udp_port()}"
    front = helpers.start_front(tmp_path, [nothing_there, live.uri], ping_interval_s=1)
    processes.append(front)

    deadline = time.monotonic() + 8
    while not front.child_flags().get(nothing_there, "").startswith("I") and time.monotonic() < deadline:
        time.sleep(0.2)

    assert front.child_flags()[nothing_there].startswith("I")
    assert front.child_flags()[live.uri].startswith("A"), "the live child answers its pings"
    assert live.received("OPTIONS") >= 1
    started = time.monotonic()
    code, output = helpers.run_uac(tmp_path, front.port, calls=4)
    assert code == 0, output
    assert time.monotonic() - started < 2.0


@needs_sip_tools
@pytest.mark.integration
def test_malformed_requests_get_4xx_or_are_dropped_and_kamailio_lives_on(tmp_path, processes):
    child = helpers.start_uas(tmp_path, "uas.xml")
    processes.append(child)
    front = helpers.start_front(tmp_path, [child.uri])
    processes.append(front)

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((helpers.HOST, 0))
        local = sock.getsockname()[1]
        sock.settimeout(1.0)
        for garbage in (os.urandom(300), b"\r\n\r\nnot sip at all\r\n\r\n", b"INVITE sip:x SIP/2.0\r\n\r\n"):
            sock.sendto(garbage, (helpers.HOST, front.port))
        bad_cseq = helpers.sip_request("INVITE", front.port, local, cseq="one INVITE")
        sock.sendto(bad_cseq.encode(), (helpers.HOST, front.port))
        reply = sock.recvfrom(65535)[0].decode(errors="replace")
        no_via = helpers.sip_request("INVITE", front.port, local).replace("Via:", "X-Via:")
        sock.sendto(no_via.encode(), (helpers.HOST, front.port))
        with pytest.raises(TimeoutError):
            sock.recvfrom(65535)  # no Via, nowhere to reply: dropped

    assert reply.startswith("SIP/2.0 400"), reply
    assert child.received("INVITE") == 0, "nothing malformed reached a child"
    assert front.alive()
    assert helpers.sip_options(front.port) == "SIP/2.0 200 OK"
    code, output = helpers.run_uac(tmp_path, front.port, calls=1)
    assert code == 0, output


def test_scenarios_are_where_the_helpers_expect_them():
    names = {path.name for path in Path(helpers.SCENARIOS).glob("*.xml")}

    assert {"uac.xml", "uas.xml", "uas_busy.xml", "uas_dead.xml"} <= names
