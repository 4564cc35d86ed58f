"""The call profile a new call starts with (guide, Table 1): every mandatory field present, known ones set.

Pure: the media worker (a real INVITE) and the script simulator (a pretend call) both build it here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime


def normalise_ani(number: str) -> str:
    """The guide: the ANI field carries a leading + (external callers)."""
    number = number.strip()
    if number and number[0].isdigit():
        return "+" + number
    return number


def new_call_profile(
    *,
    field_names: Iterable[str],
    entered_at: datetime,
    ani: str = "",
    dnis: str = "",
    dnis_name: str = "",
    caller_name: str = "",
    call_id: str = "",
    sw_call_guid: str = "",
    trunk: str = "",
    language: int = 0,
    call_type: str = "Voice",
    media: str = "VOICE",
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every field (mandatory and user) as text, "" when unknown. `entered_at` must be timezone-aware."""
    if entered_at.tzinfo is None:
        raise ValueError("entered_at must be timezone-aware")
    profile = dict.fromkeys(field_names, "")
    profile.update(
        {
            "ANI": normalise_ani(ani),
            "DNIS": dnis,
            "DNIS Name": dnis_name,
            "Caller Name": caller_name,
            "Call ID": call_id,
            "SW Call GUID": sw_call_guid,
            "Trunk": trunk,
            "Call Type": call_type,
            "Media": media,
            "Language": str(language),
            "ACD Enter Date": entered_at.date().isoformat(),
            "ACD Enter Time": entered_at.strftime("%H:%M:%S"),
            "Priority": "0",
        }
    )
    profile.update(extra or {})
    return profile


def language_of(profile: Mapping[str, str]) -> int:
    """The profile's Language field as the prompts' language number (0, English, when empty or not a number)."""
    try:
        return int(str(profile.get("Language", "0")).strip() or 0)
    except ValueError:
        return 0
