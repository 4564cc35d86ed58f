"""Blind transfer, the plain parts: what a target is, the owner message, the trace entry, the SIP results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from routing.transfers import (
    Directory,
    Target,
    TargetError,
    TransferStep,
    leg_result,
    resolve_target,
    ring_seconds,
    target_from_message,
    transfer_message,
    uri_user,
    without_agent,
)

DIRECTORY = Directory(
    irns=frozenset({"5100", "5200"}),
    agents={
        "1001": ("sip:1001@pbx.example.com", "1001"),
        "2001": ("sip:2001@10.0.0.7:5070", "1002"),  # agent 1002 at extension 2001
        "1002": ("sip:2001@10.0.0.7:5070", "1002"),
    },
    devices={"3001": "sip:3001@pbx.example.com"},
    gateway="gw.example.com:5060",
)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("5100", "", Target("irn", "5100", "5100", via="irn")),
        (" 5 200 ", "", Target("irn", "5200", "5 200", via="irn")),
        ("1001", "", Target("extension", "sip:1001@pbx.example.com", "1001", agent="1001", via="agent")),
        ("2001", "", Target("extension", "sip:2001@10.0.0.7:5070", "2001", agent="1002", via="agent")),
        ("1002", "", Target("extension", "sip:2001@10.0.0.7:5070", "1002", agent="1002", via="agent")),
        ("3001", "", Target("extension", "sip:3001@pbx.example.com", "3001", via="device")),
        (
            "+1 (555) 123-4567",
            "",
            Target("extension", "sip:+15551234567@gw.example.com:5060", "+1 (555) 123-4567", via="gateway"),
        ),
        (
            "tel:+15551234567",
            "",
            Target("extension", "sip:+15551234567@gw.example.com:5060", "tel:+15551234567", via="gateway"),
        ),
        (
            "sip:2001@10.0.0.7:5070",
            "",
            Target("extension", "sip:2001@10.0.0.7:5070", "sip:2001@10.0.0.7:5070", agent="1002", via="uri"),
        ),
        (
            "sip:9@other.example.com",
            "",
            Target("extension", "sip:9@other.example.com", "sip:9@other.example.com", via="uri"),
        ),
        ("9@other.example.com", "", Target("extension", "sip:9@other.example.com", "9@other.example.com", via="uri")),
        ("5100", "extension", Target("extension", "sip:5100@gw.example.com:5060", "5100", via="gateway")),
        ("1001", "extension", Target("extension", "sip:1001@pbx.example.com", "1001", agent="1001", via="agent")),
    ],
)
def test_a_target_is_an_irn_then_an_agent_extension_then_a_device_then_a_number_at_the_gateway(text, kind, expected):
    """A bare number is an IRN first; `kind` forces an extension; SIP URIs are dialled as they are."""
    assert resolve_target(text, DIRECTORY, kind=kind) == expected


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("", "", "empty"),
        ("   ", "", "empty"),
        ("sales", "", "bad_target"),
        ("sip:1001@pbx\r\nX-Injected: 1", "", "bad_target"),
        ("<sip:1001@pbx>", "", "bad_target"),
        ("sip:@", "", "bad_target"),
        ("sip:1001@pbx.example.com", "irn", "bad_target"),
        ("1001", "irn", "unknown_irn"),
        ("5100", "queue", "bad_kind"),
    ],
)
def test_targets_that_cannot_be_used_are_refused_with_a_stable_code(text, kind, code):
    with pytest.raises(TargetError) as error:
        resolve_target(text, DIRECTORY, kind=kind)
    assert error.value.code == code and str(error.value)


def test_an_unknown_number_without_a_gateway_is_refused():
    """Digits that are no IRN, agent or device can only be dialled at the outbound gateway."""
    with pytest.raises(TargetError) as error:
        resolve_target("4444", Directory(irns=frozenset({"5100"})))
    assert error.value.code == "unknown_number" and "CCWEB_OUTBOUND_GATEWAY" in str(error.value)


def test_the_owner_message_carries_the_resolved_target_as_text():
    target = Target("extension", "sip:2001@10.0.0.7:5070", "2001", agent="1002", via="agent")
    message = transfer_message("c1", target, by="api:admin")
    assert message == {
        "type": "transfer",
        "call": "c1",
        "kind": "extension",
        "destination": "sip:2001@10.0.0.7:5070",
        "target": "2001",
        "to_agent": "1002",
        "via": "agent",
        "by": "api:admin",
    }
    assert all(isinstance(v, str) for v in message.values())  # a Redis stream entry
    assert target_from_message(message) == target
    with pytest.raises(TargetError):
        target_from_message({"type": "transfer", "call": "c1", "kind": "queue", "destination": "x"})
    with pytest.raises(TargetError):
        target_from_message({"type": "transfer", "call": "c1", "kind": "irn", "destination": ""})


def test_the_trace_entry_looks_like_a_script_step_and_names_the_target():
    start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    step = TransferStep(
        Target("irn", "5200", "5200"),
        by="api:admin",
        from_agent="1001",
        at=start,
        clock=lambda: start + timedelta(seconds=2),
    )
    assert step.as_dict()["exit"] == "requested"
    step.finish("busy", "SIP 486")
    entry = step.as_dict()
    assert {"node", "action", "exit", "started_ms", "duration_ms", "changes", "error", "script"} <= set(entry)
    assert (entry["action"], entry["exit"], entry["target"], entry["kind"], entry["from_agent"]) == (
        "transfer",
        "busy",
        "5200",
        "irn",
        "1001",
    )
    assert entry["duration_ms"] == 2000.0 and entry["error"] == "SIP 486" and entry["at"].startswith("2026-01-01T12")
    step.finish("answered")
    assert step.as_dict()["error"] == ""


@pytest.mark.parametrize(
    ("status", "result"),
    [
        (200, "answered"),
        (486, "busy"),
        (600, "busy"),
        (408, "no_answer"),
        (480, "no_answer"),
        (487, "no_answer"),
        (404, "failed"),
        (503, "failed"),
        (None, "failed"),
        (0, "failed"),
    ],
)
def test_the_target_legs_sip_result(status, result):
    assert leg_result(status) == result


def test_ring_seconds_setting():
    assert ring_seconds({}) == 20.0
    assert ring_seconds({"CCWEB_TRANSFER_RING_SECONDS": "12"}) == 12.0
    assert ring_seconds({"CCWEB_TRANSFER_RING_SECONDS": "1"}) == 5.0
    assert ring_seconds({"CCWEB_TRANSFER_RING_SECONDS": "1e9"}) == 300.0
    assert ring_seconds({"CCWEB_TRANSFER_RING_SECONDS": "nan"}) == 20.0
    assert ring_seconds({"CCWEB_TRANSFER_RING_SECONDS": "soon"}) == 20.0


def test_the_agent_leaves_the_profile_on_a_re_route():
    profile = {"Agent Number": "1001", "Agent Extension": "sip:1001@pbx", "Group": "G", "Service": "Stocks", "ANI": "1"}
    assert without_agent(profile) == {"Agent Number": "1001", "Agent Extension": "sip:1001@pbx", "Group": "G"}
    assert profile == {"Agent Number": "", "Agent Extension": "", "Group": "", "Service": "Stocks", "ANI": "1"}


def test_uri_user():
    assert uri_user("sip:1001@pbx:5060;transport=tcp") == "1001"
    assert uri_user("sip:pbx.example.com") == ""
