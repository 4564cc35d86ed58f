"""democall's report: the CallRecord of the call it placed, and the lines it prints.

The record is found by SW Call GUID, which the media child sets to the INVITE's SIP Call-ID. It may close a
moment after the BYE (the child writes it after the caller's leg ends), so `wait_for_record` polls briefly.
`report_lines` is plain: it takes the call's outcome and the record as a dict.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import close_old_connections

from calls.models import CallOutcome, CallRecord
from media_worker.democall.caller import CallResult


def wait_for_record(sip_call_id: str, *, timeout: float = 5.0, interval: float = 0.2) -> dict[str, Any] | None:
    """The call's record with its ACD events (`acd_events`), once closed; the still-open record at the
    timeout; None when there is none (the call never reached a media child)."""

    if not sip_call_id:
        return None
    deadline = time.monotonic() + timeout
    while True:
        record = CallRecord.objects.filter(sw_call_guid=sip_call_id).order_by("-id").first()
        if record is not None and (record.outcome != CallOutcome.ACTIVE or time.monotonic() >= deadline):
            break
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)
        close_old_connections()
    events = [
        {"at": event.at.isoformat(), "kind": event.kind, "agent": event.agent, "service": event.service}
        for event in record.acd_events
    ]
    return {
        "call_id": record.call_id,
        "outcome": record.outcome,
        "irn": record.irn,
        "owner": record.owner,
        "service": record.service,
        "agent": record.agent,
        "sip_status": record.sip_status,
        "reason": record.reason,
        "started_at": record.started_at.isoformat(),
        "ended_at": record.ended_at.isoformat() if record.ended_at else "",
        "profile": dict(record.profile),
        "trace": list(record.trace),
        "acd_events": events,
    }


def report_lines(result: CallResult, record: Mapping[str, Any] | None) -> list[str]:
    """What democall prints after the call: outcome, the script trace, the final profile, the ACD events."""
    lines = ["", "Outcome"]
    status = f"{result.status_code} {result.reason}".strip() if result.status_code else "none"
    lines.append(f"  SIP status:  {status}")
    if result.answered:
        lines.append(f"  answered:    yes, after {result.answer_after_s or 0:.2f} s")
        lines.append(f"  duration:    {result.duration_s:.2f} s connected, {_ending(result.ended_by)}")
    else:
        lines.append("  answered:    no")
        lines.append(f"  duration:    {result.total_s:.2f} s from the INVITE")
    lines.append(f"  Call-ID:     {result.sip_call_id}")
    if result.digits_sent:
        lines.append(f"  digits sent: {result.digits_sent}")
    if result.recording is not None:
        lines.append(f"  recording:   {result.recording}")
    lines.append(f"  RTP packets: {result.rtp_tx_packets} sent, {result.rtp_rx_packets} received")
    lines += [f"  note:        {note}" for note in result.notes]

    if record is None:
        lines += ["", "Call record: none found for this Call-ID (did the call reach a media worker?)"]
        return lines
    where = ", ".join(f"{name} {record[key]}" for name, key in (("IRN", "irn"), ("owner", "owner")) if record[key])
    lines += ["", f"Call record {record['call_id']}: {record['outcome']}" + (f" ({where})" if where else "")]
    if record.get("reason"):
        lines.append(f"  reason: {record['reason']}")
    lines += ["", "Script trace"] + (trace_lines(record["trace"]) or ["  (no script ran)"])
    lines += ["", "Call profile"] + profile_lines(record["profile"])
    if record.get("acd_events"):
        lines += ["", "ACD events"]
        lines += [
            f"  {event['at']}  {event['kind']}" + "".join(f"  {k} {event[k]}" for k in ("service", "agent") if event[k])
            for event in record["acd_events"]
        ]
    return lines


def _ending(ended_by: str) -> str:
    return {
        "far end": "ended by the far end",
        "timeout": "hung up by democall at its timeout",
        "no end seen": "still not ended after democall hung up",
    }.get(ended_by, ended_by)


def trace_lines(trace: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per step: when it started, node, action, the exit taken, how long it took, what it changed."""
    lines = []
    for number, step in enumerate(trace, start=1):
        exit_taken = step.get("exit") or "(no exit)"
        script = f"[{step['script']}] " if step.get("script") else ""
        line = (
            f"  {number:>2}. +{step.get('started_ms', 0) / 1000:6.2f}s  {script}{step.get('node', '')} "
            f"{step.get('action', '')} -> {exit_taken}  ({step.get('duration_ms', 0):.0f} ms)"
        )
        lines.append(line)
        for name, (before, after) in (step.get("changes") or {}).items():
            lines.append(f"        {name}: {before!r} -> {after!r}")
        if step.get("error"):
            lines.append(f"        error: {step['error']}")
    return lines


def profile_lines(profile: Mapping[str, Any]) -> list[str]:
    """The fields with a value, in the profile's order; the empty ones only counted."""
    filled = [(name, value) for name, value in profile.items() if str(value).strip()]
    width = max((len(name) for name, _ in filled), default=0)
    lines = [f"  {name.ljust(width)}  {value}" for name, value in filled]
    empty = len(profile) - len(filled)
    if empty:
        lines.append(f"  ({empty} empty field{'s' if empty != 1 else ''} not shown)")
    return lines
