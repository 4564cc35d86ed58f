"""A call's CTI event and its payload (version 1): what integrators receive on /ws/cti/ and by webhook.

Plain Python: the call path builds events, the tests check them, no Django needed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

VERSION = 1
OFFERED, ANSWERED, TRANSFERRED, ENDED = "offered", "answered", "transferred", "ended"
KINDS: tuple[str, ...] = (OFFERED, ANSWERED, TRANSFERRED, ENDED)
MAX_VALUE = 512  # as the screen pop: a field value is text for another application, not a document


@dataclass(frozen=True)
class CtiEvent:
    """One event of one call. `fields`: the exported profile fields with a value, keyed by TAPI property."""

    kind: str
    call_id: str  # ccweb's Call ID (what /api/calls/{call_id}/transfer/ takes)
    call_guid: str = ""  # the profile's SW Call GUID (the SIP Call-ID the call arrived with)
    service: str = ""
    agent: str = ""  # the agent number, where one is known
    fields: Mapping[str, str] = field(default_factory=dict)
    outcome: str = ""  # ended: completed, abandoned, rejected, failed, ended_by_failure
    target: str = ""  # transferred: where to (an IRN, an extension, a number)
    by: str = ""  # transferred: who asked (api, refer, script, irn)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a CTI event is one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.at.tzinfo is None:
            raise ValueError("a CTI event's time must be timezone-aware")

    def payload(self) -> dict[str, Any]:
        """The JSON object sent (keys are stable; new keys may appear within version 1, none disappear)."""
        body: dict[str, Any] = {
            "version": VERSION,
            "id": self.id,
            "kind": self.kind,
            "timestamp": self.at.isoformat(),
            "call_id": self.call_id,
            "call_guid": self.call_guid,
            "service": self.service,
            "agent": self.agent,
            "fields": dict(self.fields),
        }
        if self.kind == ENDED:
            body["outcome"] = self.outcome
        if self.kind == TRANSFERRED:
            body["target"] = self.target
            body["by"] = self.by
        return body


def tapi_fields(profile: Mapping[str, Any], exported: Mapping[str, str]) -> dict[str, str]:
    """The exported fields that have a value, keyed by TAPI property: `exported` maps a profile field's name to
    its TAPI property (`Call Type` → `_STCC_Type`, a user field `AccNo` → `_STCC_AccNo`), in profile order."""
    fields: dict[str, str] = {}
    for name, tapi in exported.items():
        value = str(profile.get(name, "") or "")
        if value:
            fields[tapi] = value[:MAX_VALUE]
    return fields


def build_event(
    kind: str,
    *,
    call_id: str,
    profile: Mapping[str, Any],
    exported: Mapping[str, str],
    service: str = "",
    agent: str = "",
    outcome: str = "",
    target: str = "",
    by: str = "",
    at: datetime | None = None,
) -> CtiEvent:
    """The event of `kind` for a call with `profile`; service and agent default to the profile's own, `at` to
    now."""
    return CtiEvent(
        kind=kind,
        call_id=call_id,
        call_guid=str(profile.get("SW Call GUID", "") or ""),
        service=service or str(profile.get("Service", "") or ""),
        agent=agent or str(profile.get("Agent Number", "") or ""),
        fields=tapi_fields(profile, exported),
        outcome=outcome,
        target=target,
        by=by,
        at=at if at is not None else datetime.now(UTC),
    )
