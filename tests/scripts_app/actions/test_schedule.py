"""Schedule: open, closed, holiday, by weekday ranges in a time zone."""

from datetime import UTC, datetime

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import make_call, make_env, run_action

PARAMS = {
    "time_zone": "America/New_York",
    "hours": {
        "monday": ["08:00-12:00", "13:00-17:30"],
        "Tue": ["08:00-17:30"],
        "wed": ["08:00-17:30"],
        "thursday": ["08:00-17:30"],
        "friday": ["08:00-17:30"],
        "sat": ["09:00-24:00"],
    },
    "holidays": ["2026-12-25", {"date": "01-01", "name": "New Year"}],
}


def at(utc_text, params=PARAMS):
    return run_action("schedule", params, make_call(now=datetime.fromisoformat(utc_text).replace(tzinfo=UTC)))


@pytest.mark.parametrize(
    ("utc", "exit_name"),
    [
        ("2026-03-02 13:00", "open"),  # Monday 08:00 in New York (EST, UTC-5): a range includes its start
        ("2026-03-02 12:59", "closed"),  # Monday 07:59
        ("2026-03-02 17:00", "closed"),  # Monday 12:00: the lunch gap (a range excludes its end)
        ("2026-03-02 18:00", "open"),  # Monday 13:00
        ("2026-07-06 21:29", "open"),  # Monday 17:29 in summer (EDT, UTC-4)
        ("2026-07-06 21:30", "closed"),  # Monday 17:30
        ("2026-03-08 04:59", "open"),  # Saturday 23:59: open until 24:00
        ("2026-03-08 15:00", "closed"),  # Sunday: not listed
        ("2026-12-25 15:00", "holiday"),  # a Friday, but Christmas
        ("2027-01-01 15:00", "holiday"),  # every New Year's Day
    ],
)
def test_exits(utc, exit_name):
    assert at(utc) == exit_name


def test_the_holiday_is_the_local_date():
    # 2027-01-01 03:00 UTC is still 2026-12-31 22:00 in New York: not the holiday, and after hours
    assert at("2027-01-01 03:00") == "closed"


def test_utc_is_the_default_time_zone_and_a_naive_clock_counts_as_utc():
    params = {"hours": {"wed": ["15:00-16:00"]}}
    assert run_action("schedule", params, make_call()) == "open"  # FIXED_NOW: Wednesday 15:30 UTC
    assert run_action("schedule", params, make_call(now=datetime(2026, 3, 4, 16, 0))) == "closed"


def test_broken_parameters_fail_at_run_time():
    for params in (
        {"hours": {"mon": ["9-5"]}, "time_zone": "UTC"},
        {"hours": ["mon"]},
        {"hours": {}, "time_zone": "Mars/Olympus"},
        {"hours": {}, "holidays": ["Christmas"]},
    ):
        with pytest.raises(ActionFailed):
            run_action("schedule", params, make_call(now=datetime(2026, 3, 2, 12, tzinfo=UTC)))


def check(params):
    return [e.id for e in get_action("schedule").check(Node("s", "schedule", params), make_env())]


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        (PARAMS, []),
        ({"hours": {}}, []),
        ({"hours": {}, "time_zone": "Europe/Londn"}, ["scripts.E063"]),
        ({"hours": {}, "time_zone": 3}, ["scripts.E063"]),
        ({"hours": "9-5"}, ["scripts.E055"]),
        ({"hours": {"funday": ["08:00-09:00"]}}, ["scripts.E064"]),
        ({"hours": {"mon": ["08:00-09:00"], "Monday": []}}, ["scripts.E064"]),
        ({"hours": {"mon": "08:00-09:00"}}, ["scripts.E055"]),
        ({"hours": {"mon": ["17:00-08:00"]}}, ["scripts.E064"]),
        ({"hours": {"mon": ["08:00-24:30"]}}, ["scripts.E064"]),
        ({"hours": {"mon": ["8am-5pm"]}}, ["scripts.E064"]),
        ({"hours": {}, "holidays": ["2026-02-30", "13-01", {"date": "12-25"}]}, ["scripts.E065", "scripts.E065"]),
        ({"hours": {}, "holidays": "2026-12-25"}, ["scripts.E055"]),
    ],
)
def test_check(params, ids):
    assert check(params) == ids


def test_declaration():
    action = get_action("schedule")
    assert action.exits({}) == ("open", "closed", "holiday") and not action.interacts
