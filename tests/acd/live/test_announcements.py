"""Position and expected-wait announcements: when, and what (pure logic)."""

import hypothesis.strategies as st
from hypothesis import given

from acd.live.announcements import AnnouncementSettings, Announcer, wait_items


def test_first_announcement_after_one_interval_then_periodic():
    a = Announcer(AnnouncementSettings(interval_s=30), entered_at=100.0)
    a.update(3)
    assert not a.due(120.0)
    assert a.due(130.0)
    assert a.items() == [("prompt", "queue_position"), ("number", "3")]
    a.announced(130.0)
    assert not a.due(150.0) and a.due(160.0)


def test_a_move_either_way_is_announced_at_once():
    a = Announcer(AnnouncementSettings(interval_s=60), entered_at=0.0)
    a.update(5)
    a.announced(60.0)
    a.update(4)  # moved up
    assert a.due(61.0)
    a.announced(61.0)
    a.update(6)  # a higher-priority call went ahead: moved down
    assert a.due(62.0)
    a.announced(62.0)
    a.update(6)
    assert not a.due(63.0)


def test_min_gap_throttles_moves_but_not_the_period():
    a = Announcer(AnnouncementSettings(interval_s=60, min_gap_s=15), entered_at=0.0)
    a.update(5)
    a.announced(60.0)
    a.update(4)
    assert not a.due(70.0) and a.due(75.0)


def test_wait_and_periodic_file():
    s = AnnouncementSettings(announce_position=False, announce_wait=True, periodic_file="announcements/p.wav")
    a = Announcer(s, entered_at=0.0)
    a.update(2, expected_wait_s=130)
    assert a.items() == [
        ("file", "announcements/p.wav"),
        ("prompt", "expected_wait"),
        ("number", "3"),
        ("prompt", "minutes"),
    ]


def test_nothing_when_not_waiting_or_disabled():
    a = Announcer(AnnouncementSettings(announce_position=False), entered_at=0.0)
    a.update(1)
    assert not a.due(1000.0)
    b = Announcer(AnnouncementSettings(), entered_at=0.0)
    b.update(0)
    assert not b.due(1000.0)


@given(st.floats(min_value=0, max_value=100_000, allow_nan=False))
def test_expected_wait_is_never_less_than_the_estimate(seconds):
    items = wait_items(seconds)
    if ("number", items[1][1]) in items:
        assert int(items[1][1]) * 60 >= seconds
    elif items[1] == ("prompt", "one_minute"):
        assert 60 <= seconds <= 60
    else:
        assert seconds < 60
