"""Music On Hold plays the hold music for N seconds and stops it, even when the wait is interrupted."""

import pytest

from scripts_app.engine.actions import get_action
from scripts_app.engine.graph import Node
from tests.scripts_app.fakes import FakeMedia, make_call, make_env, run_action


def test_music_plays_for_the_given_seconds():
    call = make_call()
    assert run_action("music_on_hold", {"seconds": 12}, call) == "next"
    assert call.media.kinds() == ["moh_start", "wait", "moh_stop"]
    assert call.media.waits == [12.0]


def test_music_stops_when_the_wait_fails():
    media = FakeMedia(fail={"wait": RuntimeError("media gone")})
    call = make_call(media=media)
    with pytest.raises(RuntimeError):
        run_action("music_on_hold", {"seconds": "3"}, call)
    assert media.kinds() == ["moh_start", "moh_stop"] and not media.moh_playing


def test_check_refuses_zero_seconds_and_the_deadline_covers_the_music():
    action = get_action("music_on_hold")
    assert [e.id for e in action.check(Node("m", "music_on_hold", {"seconds": 0}), make_env())] == ["scripts.E053"]
    assert action.check(Node("m", "music_on_hold", {"seconds": 5}), make_env()) == []
    assert action.deadline({"seconds": 100}) > 100
    assert action.interacts
