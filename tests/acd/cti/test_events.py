"""A CTI event carries the exported profile fields with a value, named by their TAPI property; version 1."""

from datetime import UTC, datetime

import pytest

from acd.cti.events import CtiEvent, build_event, tapi_fields
from calls.selectors import exported_tapi_properties
from calls.services.profile_fields import CallProfileFieldService

EXPORTED = {"ANI": "_STCC_ANI", "Call Type": "_STCC_Type", "Customer Name": "_STCC_Customer Name"}
PROFILE = {
    "ANI": "+15551230000",
    "Call Type": "Voice",
    "Customer Name": "",  # exported but empty: not sent
    "DNIS": "5000",  # not exported: not sent
    "SW Call GUID": "guid-1@pbx",
    "Service": "Sales",
    "Agent Number": "1001",
}
AT = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)


def test_only_exported_fields_with_a_value_under_their_tapi_names():
    assert tapi_fields(PROFILE, EXPORTED) == {"_STCC_ANI": "+15551230000", "_STCC_Type": "Voice"}


def test_the_offered_payload():
    event = build_event("offered", call_id="c1", profile=PROFILE, exported=EXPORTED, agent="1002", at=AT)
    assert event.payload() == {
        "version": 1,
        "id": event.id,
        "kind": "offered",
        "timestamp": "2026-12-08T09:30:00+00:00",
        "call_id": "c1",
        "call_guid": "guid-1@pbx",
        "service": "Sales",
        "agent": "1002",  # the agent offered, not the profile's
        "fields": {"_STCC_ANI": "+15551230000", "_STCC_Type": "Voice"},
    }


def test_ended_carries_the_outcome_and_transferred_the_target():
    ended = build_event("ended", call_id="c1", profile=PROFILE, exported={}, outcome="completed").payload()
    assert ended["outcome"] == "completed" and "target" not in ended and ended["fields"] == {}
    assert ended["agent"] == "1001" and ended["service"] == "Sales"  # from the profile
    moved = build_event("transferred", call_id="c1", profile={}, exported={}, target="2001", by="api").payload()
    assert (moved["target"], moved["by"]) == ("2001", "api") and "outcome" not in moved


def test_ids_are_unique_and_values_are_cut():
    long = {"ANI": "9" * 2000}
    a, b = (build_event("answered", call_id="c", profile=long, exported=EXPORTED) for _ in range(2))
    assert a.id != b.id and len(a.fields["_STCC_ANI"]) == 512


def test_an_unknown_kind_or_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="offered, answered, transferred, ended"):
        CtiEvent(kind="ringing", call_id="c")
    with pytest.raises(ValueError, match="timezone-aware"):
        CtiEvent(kind="ended", call_id="c", at=datetime(2026, 1, 1))


@pytest.mark.django_db
def test_the_tapi_names_come_from_table_1_and_user_fields_get_the_prefix():
    """`Call Type` is `_STCC_Type` (the guide's Table 1), a user field `AccNo` is `_STCC_AccNo`; a field not
    exported is not there."""
    CallProfileFieldService().create(data={"name": "AccNo", "exported": True})
    CallProfileFieldService().create(data={"name": "Balance", "exported": False})
    names = exported_tapi_properties()
    assert names["Call Type"] == "_STCC_Type" and names["SW Call GUID"] == "_STCC_SW Call GUID"
    assert names["AccNo"] == "_STCC_AccNo" and "Balance" not in names
    assert list(names)[:2] == ["ANI", "Agent Queue"]  # profile order
