"""A new call's profile: every field present, the guide's ANI format, aware timestamps."""

from datetime import UTC, datetime

import pytest

from calls.profile import new_call_profile, normalise_ani


def test_new_profile_sets_the_known_mandatory_fields():
    entered = datetime(2026, 11, 26, 14, 5, 9, tzinfo=UTC)
    profile = new_call_profile(
        field_names=["ANI", "DNIS", "Customer ID"],
        entered_at=entered,
        ani="15551234567",
        dnis="5000",
        call_id="abc",
        sw_call_guid="abc@host",
        language=4,
    )
    assert profile["ANI"] == "+15551234567" and profile["Customer ID"] == ""
    assert (profile["ACD Enter Date"], profile["ACD Enter Time"]) == ("2026-11-26", "14:05:09")
    assert (profile["Call Type"], profile["Media"], profile["Language"]) == ("Voice", "VOICE", "4")


def test_naive_timestamps_are_refused():
    with pytest.raises(ValueError):
        new_call_profile(field_names=[], entered_at=datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("raw", "ani"), [("15551234567", "+15551234567"), ("+4930123", "+4930123"), ("anonymous", "anonymous"), ("", "")]
)
def test_ani_gets_a_leading_plus(raw, ani):
    assert normalise_ani(raw) == ani
