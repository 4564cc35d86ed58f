"""Call profile fields the ACD fills as the call moves (pure: the owner of the call applies them).

Queue Position, Average Queue Time and Start Queue Time while the call waits; Service when it is
queued or moved; Agent Number, Agent Extension, Group and Agent Queue when an agent is reserved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

DEST_FIELDS = (
    "Call Back Destination",
    "Primary Call Back Destination",
    "Alternative Call Back Destination 1",
    "Alternative Call Back Destination 2",
)


def _seconds(ms: str | float | None) -> str:
    if ms in (None, ""):
        return ""
    return str(round(float(ms) / 1000))


def queued_fields(info: Mapping[str, Any], tz: tzinfo) -> dict[str, str]:
    """From AcdEngine.queue_info(): the fields of a call that just entered a queue."""
    if not info:
        return {}
    avg = info.get("average_wait_s")
    return {
        "Service": str(info["service"]),
        "Queue Position": str(info["position"]) if info["position"] else "",
        "Average Queue Time": "" if avg is None else str(round(avg)),
        "Start Queue Time": datetime.fromtimestamp(info["entered_at"], tz).strftime("%H:%M:%S"),
    }


def message_fields(message: Mapping[str, str]) -> dict[str, str]:
    """The fields an owner message changes (AcdEngine.owner_messages())."""
    kind = message.get("type")
    if kind == "reserved":
        return {
            "Agent Number": message["agent"],
            "Agent Extension": message.get("extension", ""),
            "Group": message.get("group", ""),
            "Service": message["service"],
            "Agent Queue": message.get("agent_queue", ""),
            "Queue Position": "",
        }
    if kind == "position":
        return {"Queue Position": message["position"], "Average Queue Time": _seconds(message.get("avg_wait_ms"))}
    if kind == "moved":
        return {"Service": message["service"], "Agent Queue": ""}
    if kind in ("overflowed", "no_agent"):
        return {"Queue Position": ""}
    return {}


def callback_destinations(profile: Mapping[str, str]) -> list[str]:
    """Where a callback is dialled, in order: Call Back Destination (the number the caller keyed
    in), then the primary and the two alternatives; blanks and repeats left out."""
    out: list[str] = []
    for name in DEST_FIELDS:
        value = (profile.get(name) or "").strip()
        if value and value not in out:
            out.append(value)
    return out


def last_callback_time(text: str, now: datetime) -> datetime | None:
    """Last Time To Initiate Callback: "YYYY-MM-DD HH:MM[:SS]", or "HH:MM[:SS]" today (in now's
    zone); None when empty. Raises ValueError with the accepted forms on anything else."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=now.tzinfo)
        except ValueError:
            pass
    for fmt in ("%H:%M:%S", "%H:%M"):
        try:
            t = datetime.strptime(text, fmt).time()
            return now.replace(hour=t.hour, minute=t.minute, second=t.second, microsecond=0)
        except ValueError:
            pass
    raise ValueError(
        f"Last Time To Initiate Callback {text!r} is not a time: use 'YYYY-MM-DD HH:MM[:SS]' or 'HH:MM[:SS]'."
    )
