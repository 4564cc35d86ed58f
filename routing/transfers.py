"""Blind transfer (issue 6 item 5): where a transfer goes, and what the ACD and the record are told.

A connected call (a caller bridged to an agent) — or a caller still in its script — can be sent on to:

- an **extension**: a SIP URI (`sip:2001@pbx`, `user@host`), or a bare number that is an agent's extension
  (the user part of `Agent.extension`, or the agent number) or a device of ours (an IRN's or a service's
  `…_device` SIP URI). The owning child dials it with the call's exported profile as `X-STCC-<Field>`
  headers while the caller hears music on hold, and bridges on answer;
- an **IRN**: the caller runs that IRN's destination (script, service queue, device) in the same child, with
  the same call profile, ACD call id and CallRecord — a re-route, not a new SIP call;
- an outside **number** (digits that are none of the above, `tel:`): dialled like an extension at the
  outbound gateway (`CCWEB_OUTBOUND_GATEWAY`), the way callbacks are dialled.

A bare number is tried in that order: IRN, then agent extension, then device, then the gateway; pass
`kind` ("irn" or "extension") to force one (or write a `sip:` URI).

This module is the pure part (no pjsua2, Django only inside the blocking `resolve`): parsing and resolving a
target, the owner-stream message the REST API publishes, and the trace entry the CallRecord keeps. The
flows on the child are in `media_worker.flows.transfer`; the REST request in `routing.call_transfers`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from acd.models import Agent, Service
from core.validators import is_sip_uri
from routing.destinations import DestinationError, destination_uri, outbound_gateway
from routing.models import IRN

#: the owner-stream message type of a transfer request (routing.call_transfers publishes it)
MESSAGE_TYPE = "transfer"
KINDS = ("irn", "extension")
#: how long a transfer target rings before the caller's fallback runs (CCWEB_TRANSFER_RING_SECONDS)
DEFAULT_RING_SECONDS = 20.0
#: profile fields that describe the agent: they leave with the agent when the call is re-routed
AGENT_FIELDS = ("Agent Number", "Agent Extension", "Group", "Agent Queue")

_SEPARATORS = re.compile(r"[\s\-.()/]")
_NUMBER = re.compile(r"\+?\d{1,32}")
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f<>\"]")  # header injection, name-addr syntax: never in a target


class TargetError(ValueError):
    """A transfer target that cannot be used; `code` is a stable id for the API."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Target:
    """Where a transfer goes. kind "irn": `destination` is the IRN number; "extension": the SIP URI to dial."""

    kind: str
    destination: str
    text: str = ""  # as asked
    agent: str = ""  # the agent whose extension it is, when it is one
    via: str = ""  # how a bare number was understood: irn, agent, device, gateway, uri


@dataclass(frozen=True)
class Directory:
    """What a bare number can be (read from the database by `directory()`)."""

    irns: frozenset[str] = frozenset()
    #: number -> (SIP URI, agent number): each agent's extension user part and its agent number
    agents: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: number -> SIP URI: the user part of the devices configured as SIP URIs
    devices: Mapping[str, str] = field(default_factory=dict)
    gateway: str = ""


def uri_user(uri: str) -> str:
    """`sip:1001@pbx:5060;transport=tcp` → `1001` ('' without a user part)."""
    rest = uri.split(":", 1)[1] if ":" in uri else uri
    return rest.split("@", 1)[0] if "@" in rest else ""


def resolve_target(text: str, directory: Directory, *, kind: str = "") -> Target:
    """The transfer target for `text` (see the module's docstring); raises TargetError."""
    raw = text.strip() if isinstance(text, str) else ""
    if kind and kind not in KINDS:
        raise TargetError("bad_kind", f"kind is one of {', '.join(KINDS)} (or empty), not {kind!r}.")
    if not raw:
        raise TargetError("empty", "The transfer target is empty.")
    if _FORBIDDEN.search(raw):
        raise TargetError("bad_target", f"{raw!r} is not an extension, a SIP URI or an IRN number.")
    lower = raw.lower()
    if lower.startswith(("sip:", "sips:")) or ("@" in raw and not lower.startswith("tel:")):
        uri = raw if lower.startswith(("sip:", "sips:")) else f"sip:{raw}"
        if kind == "irn" or " " in uri or not is_sip_uri(uri):
            raise TargetError("bad_target", f"{raw!r} is not a valid SIP URI (e.g. sip:2001@pbx.example.com).")
        return Target("extension", uri, raw, agent=_agent_of(uri, directory), via="uri")
    number = _SEPARATORS.sub("", raw[4:].split(";", 1)[0] if lower.startswith("tel:") else raw)
    if not _NUMBER.fullmatch(number):
        raise TargetError("bad_target", f"{raw!r} is not an extension, a SIP URI or an IRN number.")
    if kind in ("", "irn") and number in directory.irns:
        return Target("irn", number, raw, via="irn")
    if kind == "irn":
        raise TargetError("unknown_irn", f"There is no IRN {number}.")
    if number in directory.agents:
        uri, agent = directory.agents[number]
        return Target("extension", uri, raw, agent=agent, via="agent")
    if number in directory.devices:
        return Target("extension", directory.devices[number], raw, via="device")
    try:
        uri = destination_uri(number, directory.gateway)
    except DestinationError:
        raise TargetError(
            "unknown_number",
            f"{raw!r} is no IRN, agent extension or device, and there is no outbound gateway "
            "(CCWEB_OUTBOUND_GATEWAY) to dial it.",
        ) from None
    return Target("extension", uri, raw, via="gateway")


def _agent_of(uri: str, directory: Directory) -> str:
    user = uri_user(uri)
    for number, (agent_uri, agent) in directory.agents.items():
        if agent_uri == uri or (number == user and uri_user(agent_uri) == user):
            return agent
    return ""


def directory(environ: Mapping[str, str] | None = None) -> Directory:
    """The IRNs, agents' extensions and devices from the database (blocking), and the outbound gateway."""
    agents: dict[str, tuple[str, str]] = {}
    rows = list(Agent.objects.values_list("number", "extension"))
    for number, extension in rows:  # agent numbers first: an extension's own number wins below
        agents.setdefault(number, (extension, number))
    for number, extension in rows:
        user = uri_user(extension)
        if user:
            agents[user] = (extension, number)
    devices: dict[str, str] = {}
    values = list(IRN.objects.exclude(destination_device="").values_list("destination_device", flat=True))
    for row in Service.objects.values_list("overflow_device", "no_agent_device"):
        values += [v for v in row if v]
    for value in values:
        if is_sip_uri(value) and uri_user(value):
            devices.setdefault(uri_user(value), value)
    return Directory(
        irns=frozenset(IRN.objects.values_list("number", flat=True)),
        agents=agents,
        devices=devices,
        gateway=outbound_gateway(os.environ if environ is None else environ),
    )


def resolve(text: str, *, kind: str = "") -> Target:
    """`resolve_target` against the database (blocking); raises TargetError."""
    return resolve_target(text, directory(), kind=kind)


def ring_seconds(environ: Mapping[str, str] | None = None) -> float:
    """CCWEB_TRANSFER_RING_SECONDS (default 20, at least 5): how long a transfer target rings."""
    value = (os.environ if environ is None else environ).get("CCWEB_TRANSFER_RING_SECONDS", "")
    try:
        seconds = float(value) if value.strip() else DEFAULT_RING_SECONDS
    except ValueError:
        seconds = DEFAULT_RING_SECONDS
    return min(300.0, max(5.0, seconds)) if math.isfinite(seconds) else DEFAULT_RING_SECONDS


# the REST API's request on the owner stream ---------------------------------------------------------


def transfer_message(call_id: str, target: Target, *, by: str = "") -> dict[str, str]:
    """The owner-stream message asking the owning child to transfer `call_id` (all values text)."""
    return {
        "type": MESSAGE_TYPE,
        "call": call_id,
        "kind": target.kind,
        "destination": target.destination,
        "target": target.text,
        "to_agent": target.agent,
        "via": target.via,
        "by": by,
    }


def target_from_message(message: Mapping[str, str]) -> Target:
    """The Target of a `transfer` message; TargetError when it names none."""
    kind, destination = message.get("kind", ""), message.get("destination", "")
    if kind not in KINDS or not destination:
        raise TargetError("bad_message", f"transfer message without a usable target: {dict(message)!r}")
    return Target(
        kind, destination, message.get("target", destination), message.get("to_agent", ""), message.get("via", "")
    )


# the CallRecord's trace -------------------------------------------------------------------------------


@dataclass
class TransferStep:
    """A trace entry of a transfer, shaped like a script step (`scripts_app.engine.trace.Step.as_dict`) plus
    the target, so a CallRecord's trace shows where the call went and how it ended up."""

    target: Target
    by: str  # "api" (a staff request), "script" (the Transfer action), "irn" (an IRN's device destination)
    from_agent: str = ""
    result: str = "requested"  # then: answered, busy, no_answer, failed, caller_gone, rerouted, requeued…
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    detail: str = ""
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC), repr=False)
    duration_ms: float = 0.0

    def finish(self, result: str, detail: str = "") -> None:
        self.result = result
        self.detail = detail
        self.duration_ms = max(0.0, (self.clock() - self.at).total_seconds() * 1000.0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "node": "transfer",
            "action": "transfer",
            "exit": self.result,
            "started_ms": 0.0,
            "duration_ms": round(self.duration_ms, 1),
            "changes": {},
            "error": self.detail if self.result in FAILED_RESULTS else "",
            "script": "",
            "at": self.at.isoformat(),
            "by": self.by,
            "kind": self.target.kind,
            "target": self.target.text,
            "destination": self.target.destination,
            "from_agent": self.from_agent,
            "to_agent": self.target.agent,
            "detail": self.detail,
        }


#: results of an extension's leg that did not reach anybody (the caller's fallback runs)
FAILED_RESULTS = ("busy", "no_answer", "failed", "not_routed")


def leg_result(status: int | None) -> str:
    """A transfer leg's result from its final SIP status (as agent legs: busy 486/600, no answer
    408/480/487 — 487 is our own CANCEL after the ring time — anything else failed)."""
    if status is not None and 200 <= status < 300:
        return "answered"
    if status in (486, 600):
        return "busy"
    if status in (408, 480, 487):
        return "no_answer"
    return "failed"


def without_agent(profile: dict[str, str]) -> dict[str, str]:
    """Clear the agent's fields in place (the agent left the call) and return what they were."""
    before = {name: profile.get(name, "") for name in AGENT_FIELDS if profile.get(name)}
    for name in before:
        profile[name] = ""
    return before
