"""Call records: opened when a call arrives (or is placed), closed at hang-up with the final
profile and the script's trace (the calls of a media process that died: `acd.services.recovery`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from calls.models import CallOutcome, CallRecord
from calls.services.call_events import CallEnded, tell_ended

log = logging.getLogger(__name__)


def call_started(
    *, call_id: str, profile: Mapping[str, str], owner: str, irn: str = "", direction: str = "inbound"
) -> CallRecord:
    """Open the record of a new call (its profile as it starts).

    The searchable columns are cut to their length: they come from the caller's INVITE (From user, request
    URI user, Call-ID), which SIP does not bound, and a value too long would make PostgreSQL or MariaDB refuse
    the row — the call would then fail for want of a record. The profile keeps the full values."""
    return CallRecord.objects.create(
        call_id=call_id,
        sw_call_guid=_clip("sw_call_guid", profile.get("SW Call GUID", "")),
        direction=direction,
        ani=_clip("ani", profile.get("ANI", "")),
        dnis=_clip("dnis", profile.get("DNIS", "")),
        irn=_clip("irn", irn),
        owner=owner,
        profile=dict(profile),
    )


def _clip(field: str, value: str) -> str:
    limit = CallRecord._meta.get_field(field).max_length
    return value[:limit] if limit else value


def call_finished(
    *,
    call_id: str,
    outcome: str,
    profile: Mapping[str, str] | None = None,
    trace: Sequence[Mapping[str, Any]] | None = None,
    sip_status: int | None = None,
    reason: str = "",
) -> CallRecord:
    """Close the record: outcome, final profile (its Service and Agent Number copied), trace."""
    if outcome not in CallOutcome.values or outcome == CallOutcome.ACTIVE:
        raise ValueError(f"a finished call's outcome is one of {CallOutcome.values[1:]}, not {outcome!r}")
    record = CallRecord.objects.get(call_id=call_id)
    final = dict(profile) if profile is not None else dict(record.profile)
    record.outcome = outcome
    record.ended_at = timezone.now()
    record.profile = final
    record.service = _clip("service", final.get("Service", "")) or record.service
    record.agent = _clip("agent", final.get("Agent Number", "")) or record.agent
    record.sip_status = sip_status
    record.reason = reason[:255]
    if trace is not None:
        record.trace = list(trace)
    record.save()
    tell_ended(CallEnded(call_id, outcome, final, service=record.service, agent=record.agent))
    return record


def rejected_call(*, call_id: str, profile: Mapping[str, str], owner: str, sip_status: int, reason: str) -> CallRecord:
    """A call refused at once (e.g. 404: no IRN for the number): opened and closed together."""
    with transaction.atomic():
        call_started(call_id=call_id, profile=profile, owner=owner)
        return call_finished(
            call_id=call_id, outcome=CallOutcome.REJECTED, profile=profile, sip_status=sip_status, reason=reason
        )
