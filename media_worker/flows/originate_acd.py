"""The ACD side of originate (`media_worker.flows.originate.OriginatePort`): the originate stream, the reservation,
the ACD's call events and the attempt's CallRecord. Blocking (Redis, the database): the child calls it from
worker threads; every method closes the thread's database connection when it is done.

Reports go through `acd.services.acd_calls` (history rows and the live feed), never to the engine directly:
the agent's phone ringing → `call_ringing`; the agent not answering → `call_no_answer` (the engine treats a
callback's no answer as a used attempt and makes the agent available); the customer answering →
`call_answered` (a `callback_made` row "answered"); any other dial result → `callback_dial_failed`; the end of
a connected callback → `call_hangup` (the agent goes to wrap-up).

Records: one CallRecord per attempt, `direction` outbound, id `<ACD call id>:<stream message id>` (one
callback has many attempts, a record id is unique), the callback's kept profile with the agent's fields,
`dnis` the destination. Outcome: completed (answered), rejected (busy, no answer, wrong number, the agent
did not answer), failed (failed, or the dial was interrupted); `reason` says which, e.g. `callback busy`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import redis
from django.db import IntegrityError, transaction
from django.utils import timezone

from acd import notifier
from acd.engine import AcdEngine, AcdError
from acd.services import acd_calls
from calls.models import CallOutcome, CallRecord
from calls.services import call_records
from core.orm import closing_connections
from media_worker.flows.originate import DialRequest, Outcome
from media_worker.flows.stcc_headers import exported_fields

log = logging.getLogger("media_worker.flows.originate")

GROUP = "dialers"

#: CallRecord outcome (a CallOutcome value) of each dial result: CallOutcome has no busy / no answer of its own,
#: the record's `reason` says which
RECORD_OUTCOMES: dict[str, str] = {
    "answered": "completed",
    "busy": "rejected",
    "no_answer": "rejected",
    "wrong_number": "rejected",
    "agent_no_answer": "rejected",
    "failed": "failed",
    "lost": "failed",
}

# Keep the reservation of this attempt alive for `ms` more (never shorter): only while the call is still
# reserved, for this agent, as this attempt on this destination — else 0 (reconcile freed it, or it moved on:
# the request is stale and must not be dialled). With ms 0 it only checks.
# ARGV: call hash key, reservations key, call id, agent, attempt, destination, ms
_HOLD = """
local h = redis.call('HMGET', ARGV[1], 'state', 'agent', 'kind', 'cb_try', 'cb', 'cb_idx')
if h[1] ~= 'reserved' or h[2] ~= ARGV[4] or h[3] ~= 'callback' then return 0 end
if ARGV[5] ~= '' and h[4] ~= ARGV[5] then return 0 end
if ARGV[6] ~= '' and cjson.decode(h[5])[tonumber(h[6]) + 1] ~= ARGV[6] then return 0 end
local t = redis.call('TIME')
local exp = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[7])
local cur = tonumber(redis.call('ZSCORE', ARGV[2], ARGV[3]) or '0')
if exp > cur then
  redis.call('ZADD', ARGV[2], exp, ARGV[3])
  redis.call('HSET', ARGV[1], 'expires', exp)
end
return 1
"""


class AcdOriginatePort:
    """OriginatePort over the live ACD and the call records, for the consumer `owner` (the child's owner id)."""

    def __init__(self, owner: str, engine: AcdEngine | None = None) -> None:
        self.owner = owner
        self.engine = engine or notifier.engine()
        self._hold = self.engine.client.register_script(_HOLD)

    # the stream ---------------------------------------------------------------------------------

    def claim(self, count: int = 1) -> list[DialRequest]:
        """New requests for this consumer, without waiting (the child polls at its own pace)."""
        got = self.engine.claim_originate(self.owner, count=count, block_ms=None, group=GROUP)
        return [DialRequest.from_message(mid, fields) for mid, fields in got]

    def ack(self, request: DialRequest) -> None:
        self.engine.ack_originate(request.message_id, group=GROUP)

    @closing_connections
    def claim_stale(self, min_idle_ms: int, count: int = 20) -> int:
        """Requests a consumer took and never acknowledged for `min_idle_ms` (its child died mid-dial): never
        dialled again (the customer may have been called). An attempt whose reservation is still in place is
        reported failed (frees the agent now rather than at reconcile); its record, if still open, closes as
        failed; then the request is acknowledged. Returns how many were cleaned up."""
        client, key = self.engine.client, self.engine.keys.originate
        try:
            got: Any = client.xautoclaim(key, GROUP, self.owner, min_idle_ms, start_id="0-0", count=count)
        except redis.ResponseError as exc:
            if "NOGROUP" in str(exc):
                return 0
            raise
        handled = 0
        for mid, fields in got[1] if got and len(got) > 1 else []:
            if not fields:  # trimmed from the stream meanwhile
                continue
            request = DialRequest.from_message(_s(mid), {_s(k): _s(v) for k, v in fields.items()})
            log.warning("originate: stale request %s for callback %s taken over", request.message_id, request.call_id)
            if self.hold(request, 0):
                try:
                    self.failed(request, "failed")
                except AcdError as exc:
                    log.info("stale callback %s: %s", request.call_id, exc.reason)
            CallRecord.objects.filter(call_id=request.record_id, outcome=CallOutcome.ACTIVE).update(
                outcome=CallOutcome.FAILED, reason="callback failed: the dialling media child stopped"
            )
            self.ack(request)
            handled += 1
        return handled

    @closing_connections
    def end_orphans(self, within_s: float = 3600.0) -> int:
        """Connected callbacks whose dialling child died: the supervisor closed the attempt's record as ended
        by failure, but (the record id not being the ACD call id) could not end the ACD call, so the agent
        would stay on_call. Ends each (the agent goes to wrap-up) when that record is the callback's latest
        attempt and the ACD call is still connected to its agent. Returns how many were ended."""
        since = timezone.now() - timedelta(seconds=within_s)
        dead = CallRecord.objects.filter(
            direction="outbound", outcome=CallOutcome.ENDED_BY_FAILURE, ended_at__gte=since, call_id__contains=":"
        ).values_list("call_id", "agent")
        ended = 0
        for record_id, agent in dead:
            call_id = record_id.split(":", 1)[0]
            call = self.engine.call(call_id)
            if call.get("state") != "connected" or call.get("agent") != agent or call.get("kind") != "callback":
                continue
            latest = CallRecord.objects.filter(call_id__startswith=f"{call_id}:").order_by("-started_at", "-id")
            if latest.values_list("call_id", flat=True).first() != record_id:
                continue  # a later attempt (another child) owns the connected call
            try:
                acd_calls.call_hangup(call_id=call_id)
            except AcdError as exc:
                log.info("orphaned callback %s: %s", call_id, exc.reason)
                continue
            log.warning("originate: callback %s ended (its media child died while connected)", call_id)
            ended += 1
        return ended

    # the reservation and the profile ------------------------------------------------------------

    def hold(self, request: DialRequest, ms: int) -> bool:
        keys = self.engine.keys
        args: list[str | int] = [keys.call(request.call_id), keys.reservations, request.call_id, request.agent]
        args += [request.attempt, request.destination, max(0, int(ms))]
        return bool(self._hold(keys=[], args=args))

    def profile(self, request: DialRequest) -> dict[str, str]:
        return self.engine.callback_profile(request.call_id)

    @closing_connections
    def exported_fields(self) -> list[str]:
        return exported_fields()

    # reports ------------------------------------------------------------------------------------

    @closing_connections
    def ringing(self, request: DialRequest) -> None:
        acd_calls.call_ringing(call_id=request.call_id, agent=request.agent)

    @closing_connections
    def agent_no_answer(self, request: DialRequest) -> None:
        acd_calls.call_no_answer(call_id=request.call_id, agent=request.agent)

    @closing_connections
    def answered(self, request: DialRequest) -> None:
        acd_calls.call_answered(call_id=request.call_id, agent=request.agent)

    @closing_connections
    def failed(self, request: DialRequest, result: str) -> None:
        acd_calls.callback_dial_failed(call_id=request.call_id, agent=request.agent, result=result)

    @closing_connections
    def ended(self, request: DialRequest) -> None:
        if self.engine.call(request.call_id):
            acd_calls.call_hangup(call_id=request.call_id)

    # the attempt's record -----------------------------------------------------------------------

    @closing_connections
    def record_started(self, request: DialRequest, profile: Mapping[str, str]) -> bool:
        """Open the attempt's record; False when it exists (this request was handled before)."""
        try:
            with transaction.atomic():
                call_records.call_started(
                    call_id=request.record_id, profile=profile, owner=self.owner, direction="outbound"
                )
                CallRecord.objects.filter(call_id=request.record_id).update(dnis=request.destination[:64])
        except IntegrityError:
            return False
        return True

    @closing_connections
    def record_finished(self, request: DialRequest, outcome: Outcome, profile: Mapping[str, str]) -> None:
        reason = f"callback {outcome.result}" + (f": {outcome.reason}" if outcome.reason else "")
        call_records.call_finished(
            call_id=request.record_id,
            outcome=RECORD_OUTCOMES.get(outcome.result, "failed"),
            profile=profile,
            sip_status=outcome.sip_status,
            reason=reason,
        )


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
