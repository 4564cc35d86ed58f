"""The ACD side of a process that owns calls (a media worker; the script runtime's AcdPort).

A CallOwner queues its calls through acd_calls (history and live feed included), keeps each
call's ACD record so that it can re-publish the call at its place when Redis lost the live state,
and turns the engine's messages (owner stream) into call profile changes and actions for the
process: ring the reserved agent, route a call that overflowed or found no agent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from django.utils import timezone

from acd import notifier
from acd.cti import publish as cti
from acd.engine import AcdEngine, AcdError
from acd.live.announcements import AnnouncementSettings
from acd.live.profile import callback_destinations, last_callback_time, message_fields, queued_fields
from acd.models import Service
from acd.services import acd_calls
from acd.skills import required_skills_for
from core.orm import run_orm

log = logging.getLogger(__name__)

#: message types that leave the call with its owner to route (kind/target in the message)
ROUTE_TYPES = ("overflowed", "no_agent")


@dataclass
class OwnerEvent:
    """One engine message about a call of this owner, with the profile fields it changed."""

    call_id: str
    message: dict[str, str]
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return self.message.get("type", "")


class CallOwner:
    """Holds the ACD view of the calls one process owns. Not thread-safe: one per event loop."""

    def __init__(self, owner_id: str, engine: AcdEngine | None = None, tz: tzinfo | None = None) -> None:
        self.id = owner_id
        self.engine = engine or notifier.engine()
        self.tz = tz or timezone.get_current_timezone()
        self.profiles: dict[str, MutableMapping[str, str]] = {}
        self.records: dict[str, dict[str, str]] = {}
        # messages from before this process started are not ours to act on
        last: Any = self.engine.client.xrevrange(self.engine.keys.owner_stream(owner_id), count=1)
        self.last_id = last[0][0].decode() if last else "0"
        self.epoch = self.engine.epoch()

    # the calls ------------------------------------------------------------------------------

    def track(self, call_id: str, profile: MutableMapping[str, str]) -> None:
        """The call's live profile: ACD fields are written into it as the call moves."""
        self.profiles[call_id] = profile

    def forget(self, call_id: str) -> None:
        self.profiles.pop(call_id, None)
        self.records.pop(call_id, None)

    def refresh(self, call_id: str) -> None:
        """Keep the call's current ACD record (what restore() needs) after it changed."""
        record = self.engine.call(call_id)
        if record:
            self.records[call_id] = record
        else:
            self.records.pop(call_id, None)

    def _update(self, call_id: str, fields: Mapping[str, str]) -> None:
        profile = self.profiles.get(call_id)
        if profile is not None:
            profile.update(fields)

    # ACD actions ----------------------------------------------------------------------------

    def queue(self, call_id: str, service: str, profile: Mapping[str, str]) -> str:
        """Queue the call by its profile: Priority, required skills (the service's skills field),
        Agent Queue (an agent number: that agent's personal queue). Returns the engine's status.

        Raises ValueError for a profile value that cannot be read (bad Priority or skills text).
        """
        cfg = Service.objects.filter(name=service).values("skills_field__name").first()
        if cfg is None:
            return "unknown_service"
        skills = required_skills_for({"skills_field": cfg["skills_field__name"] or ""}, profile)
        text = (profile.get("Priority") or "0").strip() or "0"
        try:
            priority = max(0, min(99, int(text)))
        except ValueError:
            raise ValueError(f"Priority {text!r} is not a whole number.") from None
        res = acd_calls.call_queued(
            call_id=call_id,
            service=service,
            priority=priority,
            skills=skills,
            owner=self.id,
            agent_queue=(profile.get("Agent Queue") or "").strip(),
        )
        if res.status == "queued":
            self.refresh(call_id)
            self._update(call_id, queued_fields(self.engine.queue_info(call_id), self.tz))
        return res.status

    def request_callback(self, call_id: str, profile: Mapping[str, str]) -> bool:
        """Turn the call into a callback at its place (queueing it to the profile's Service first
        if it is not in a queue yet). False when the ACD refuses; ValueError for a bad last time."""
        destinations = callback_destinations(profile)
        now = timezone.localtime(timezone=self.tz)
        last = last_callback_time(profile.get("Last Time To Initiate Callback", ""), now)
        if not destinations:
            return False
        if not self.engine.call(call_id):
            service = (profile.get("Service") or "").strip()
            if not service or self.queue(call_id, service, profile) != "queued":
                return False
        # Call Back Time: when the caller asked (empty marks an abandoned caller's callback)
        fields = {"Call Type": "Callback", "Call Back Time": now.strftime("%H:%M:%S")}
        kept = {**self.profiles.get(call_id, profile), **fields}
        try:
            acd_calls.callback_requested(call_id=call_id, destinations=destinations, last_time=last, profile=kept)
        except AcdError as exc:
            log.info("callback for %s refused: %s", call_id, exc.reason)
            return False
        self.refresh(call_id)
        self._update(call_id, fields)
        return True

    def ringing(self, call_id: str, agent: str) -> None:
        """The reserved agent's phone rings."""
        acd_calls.call_ringing(call_id=call_id, agent=agent)

    def answered(self, call_id: str, agent: str) -> None:
        """The agent answered: the call is connected."""
        acd_calls.call_answered(call_id=call_id, agent=agent)
        self.refresh(call_id)
        service = self.records.get(call_id, {}).get("service", "")
        cti.call_answered(call_id=call_id, agent=agent, profile=self.profiles.get(call_id, {}), service=service)

    def no_answer(self, call_id: str, agent: str, *, failure: int = 0) -> None:
        """The agent did not answer (or was busy, or the phone failed with SIP status `failure`): back to
        its place; the agent to the service's no-answer state (released after too many failures)."""
        acd_calls.call_no_answer(call_id=call_id, agent=agent, failure=failure)
        self.refresh(call_id)
        self._update(call_id, {"Agent Number": "", "Agent Extension": "", "Group": ""})

    def hangup(self, call_id: str) -> None:
        """The caller's leg ended: an abandon (a callback on ANI when the service says so)."""
        profile = self.profiles.get(call_id, {})
        if self.engine.call(call_id):
            acd_calls.call_hangup(call_id=call_id, abandon_to=profile.get("ANI", ""), profile=profile)
        self.forget(call_id)

    # messages and recovery ------------------------------------------------------------------

    def poll(self, *, block_ms: int | None = None, count: int = 100) -> list[OwnerEvent]:
        """The engine's messages since the last poll, applied to the calls' profiles."""
        events = []
        for mid, message in self.engine.owner_messages(self.id, self.last_id, count=count, block_ms=block_ms):
            self.last_id = mid
            call_id = message.get("call", "")
            fields = message_fields(message)
            self._update(call_id, fields)
            if message.get("type") in ROUTE_TYPES:
                self.records.pop(call_id, None)  # out of the ACD: the owner routes it
            elif message.get("type") in ("moved", "reserved"):
                self.refresh(call_id)
            events.append(OwnerEvent(call_id, message, fields))
        return events

    def republish_if_needed(self) -> int:
        """After Redis lost the live state (the epoch changed), put every call back at its place.

        Returns how many calls were restored. A reservation in progress comes back as waiting.
        """
        epoch = self.engine.epoch()
        if epoch is None or epoch == self.epoch:
            return 0
        restored = 0
        for call_id, record in sorted(self.records.items(), key=lambda kv: float(kv[1].get("score") or 0)):
            state = "connected" if record.get("state") == "connected" else "waiting"
            status, _ = self.engine.restore(call_id, {**record, "state": state})
            if status == "restored":
                restored += 1
            else:
                log.warning("could not re-publish call %s: %s", call_id, status)
        self.epoch = epoch
        if restored:
            notifier.publish(self.engine, services=sorted({r.get("service", "") for r in self.records.values()}))
        return restored


def announcement_settings(service: str) -> AnnouncementSettings | None:
    """The service's announcement settings, None for an unknown service."""
    row = Service.objects.filter(name=service).first()
    if row is None:
        return None
    return AnnouncementSettings(
        interval_s=float(row.announcement_interval),
        announce_position=row.announce_position,
        announce_wait=row.announce_wait_time,
        periodic_file=row.periodic_announcement.name if row.periodic_announcement else "",
    )


class LiveAcdPort:
    """The scripts' AcdPort on the live ACD, for calls owned by `owner`."""

    def __init__(self, owner: CallOwner) -> None:
        self.owner = owner

    async def queue_to_service(self, call_id: str, service: str, profile: Mapping[str, str]) -> str:
        return await run_orm(self.owner.queue, call_id, service, dict(profile))

    async def request_callback(self, call_id: str, profile: Mapping[str, str]) -> bool:
        return await run_orm(self.owner.request_callback, call_id, dict(profile))
