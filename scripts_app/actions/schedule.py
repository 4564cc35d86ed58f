"""Schedule: branch on the time of the call (open hours, closed, holiday) in a time zone."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.problems import Problem
from scripts_app.actions._common import E_HOLIDAY, E_HOURS, E_SHAPE, E_TIME_ZONE, ActionFailed, error
from scripts_app.engine.actions import Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node

OPEN, CLOSED, HOLIDAY = "open", "closed", "holiday"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RANGE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_ANNUAL = re.compile(r"(\d{2})-(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def weekday_index(name: Any) -> int | None:
    """0 for "monday"/"Mon"/"mon", …; None for anything else."""
    if not isinstance(name, str) or len(name.strip()) < 3:
        return None
    key = name.strip().lower()
    return next((i for i, day in enumerate(WEEKDAYS) if day == key or day[:3] == key), None)


def parse_range(text: Any) -> tuple[int, int]:
    """ "08:00-17:30" -> (480, 1050) minutes; the end may be 24:00; ValueError when not a forward range."""
    match = _RANGE.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError("write a range as HH:MM-HH:MM, e.g. 08:00-17:30")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60:
        raise ValueError("hours run 00:00 to 24:00")
    if start >= end:
        raise ValueError("the end must be after the start (split a range that passes midnight in two)")
    return start, end


@dataclass(frozen=True)
class Holiday:
    day: date | None  # a given date
    month_day: tuple[int, int] | None  # every year
    name: str = ""

    def covers(self, today: date) -> bool:
        if self.day is not None:
            return self.day == today
        return self.month_day == (today.month, today.day)


def parse_holiday(entry: Any) -> Holiday:
    """ "2026-12-25", "12-25" (every year), or {"date": …, "name": …}; ValueError otherwise."""
    name = ""
    if isinstance(entry, Mapping):
        name = str(entry.get("name", ""))
        entry = entry.get("date")
    if not isinstance(entry, str):
        raise ValueError("a holiday is a date YYYY-MM-DD (or MM-DD for every year)")
    text = entry.strip()
    if _ANNUAL.fullmatch(text):
        month, day = int(text[:2]), int(text[3:])
        date(2000, month, day)  # a leap year: 02-29 is allowed; raises ValueError for 13-01
        return Holiday(None, (month, day), name)
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return Holiday(date.fromisoformat(text), None, name)
    except ValueError:
        raise ValueError("a holiday is a date YYYY-MM-DD (or MM-DD for every year)") from None


@register
class Schedule(Action):
    name = "schedule"
    title = "Schedule"
    doc = (
        "Chooses a branch by the time the call arrives, in the given time zone (IANA name, e.g. "
        "America/New_York; daylight saving included). 'hours' lists the open ranges per weekday "
        '({"monday": ["08:00-12:00", "13:00-17:30"], "sat": ["09:00-13:00"]}; a day not listed is '
        "closed; a range includes its start and excludes its end; 24:00 ends a day). 'holidays' lists "
        'dates YYYY-MM-DD, MM-DD for every year, or {"date": ..., "name": ...}. Exits: holiday (a '
        "holiday, whatever the hours), open, closed."
    )
    params = (
        Param("time_zone", "text", default="UTC", doc="IANA time zone of the hours, e.g. Europe/London."),
        Param("hours", "json", required=True, doc='Open hours per weekday, e.g. {"mon": ["08:00-17:30"]}.'),
        Param(
            "holidays",
            "json",
            default=(),
            doc='Closed dates, e.g. ["2026-12-25", {"date": "01-01", "name": "New Year"}].',
        ),
    )
    fixed_exits = (OPEN, CLOSED, HOLIDAY)

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        errors: list[Problem] = []
        zone = node.params.get("time_zone", "UTC")
        try:
            _zone(zone)
        except ActionFailed:
            errors.append(
                error(
                    E_TIME_ZONE,
                    node,
                    f"{zone!r} is not a known time zone; use an IANA name such as America/New_York or UTC.",
                    "time_zone",
                )
            )
        hours = node.params.get("hours")
        if hours is not None:
            errors += _check_hours(node, hours)
        holidays = node.params.get("holidays", ())
        if not isinstance(holidays, list | tuple):
            errors.append(error(E_SHAPE, node, "'holidays' must be a list of dates.", "holidays"))
        else:
            for index, entry in enumerate(holidays):
                try:
                    parse_holiday(entry)
                except ValueError as exc:
                    errors.append(error(E_HOLIDAY, node, f"holidays[{index}] is {entry!r}: {exc}.", "holidays"))
        return errors

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        now = call.now()
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        local = now.astimezone(_zone(self.param(params, "time_zone")))
        try:
            holidays = [parse_holiday(h) for h in self.param(params, "holidays") or ()]
        except (TypeError, ValueError) as exc:
            raise ActionFailed(f"Schedule holidays cannot be read: {exc}.") from None
        if any(h.covers(local.date()) for h in holidays):
            return HOLIDAY
        return OPEN if _is_open(self.param(params, "hours"), local) else CLOSED


def _zone(name: Any) -> ZoneInfo:
    if not isinstance(name, str) or not name.strip():
        raise ActionFailed(f"{name!r} is not a time zone.")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ActionFailed(f"{name!r} is not a known time zone.") from None


def _is_open(hours: Any, local: datetime) -> bool:
    if not isinstance(hours, Mapping):
        raise ActionFailed("Schedule 'hours' must map weekdays to lists of ranges.")
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    for day, ranges in hours.items():
        if weekday_index(day) != local.weekday():
            continue
        for text in ranges if isinstance(ranges, list | tuple) else [ranges]:
            try:
                start, end = parse_range(text)
            except ValueError as exc:
                raise ActionFailed(f"Schedule hours {text!r}: {exc}.") from None
            if start * 60 <= seconds < end * 60:
                return True
    return False


def _check_hours(node: Node, hours: Any) -> list[Problem]:
    if not isinstance(hours, Mapping):
        return [
            error(
                E_SHAPE,
                node,
                '\'hours\' must map weekdays to lists of ranges, e.g. {"monday": ["08:00-17:30"]}.',
                "hours",
            )
        ]
    errors: list[Problem] = []
    seen: dict[int, str] = {}
    for day, ranges in hours.items():
        index = weekday_index(day)
        if index is None:
            errors.append(
                error(E_HOURS, node, f"{day!r} is not a weekday; use monday … sunday (or mon … sun).", "hours")
            )
            continue
        if index in seen:
            errors.append(error(E_HOURS, node, f"{day!r} repeats {seen[index]!r}; list each weekday once.", "hours"))
        seen[index] = day
        if not isinstance(ranges, list | tuple):
            errors.append(
                error(E_SHAPE, node, f"hours[{day!r}] must be a list of ranges such as '08:00-17:30'.", "hours")
            )
            continue
        for text in ranges:
            try:
                parse_range(text)
            except ValueError as exc:
                errors.append(error(E_HOURS, node, f"hours[{day!r}] has {text!r}: {exc}.", "hours"))
    return errors
