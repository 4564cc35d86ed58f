"""Call records of calls whose INVITE carried oversized values (SIP does not bound From, URI users, Call-ID)."""

import pytest

from calls.models import CallRecord
from calls.services import call_records

pytestmark = [pytest.mark.django_db]


def test_oversized_invite_values_are_cut_in_the_columns_and_kept_whole_in_the_profile():
    """A 300-digit From user, a 100-character dialled number and a 400-character Call-ID still open and close
    a record (PostgreSQL and MariaDB would refuse the row otherwise); the profile keeps the full values."""
    profile = {"ANI": "+1" + "5" * 300, "DNIS": "9" * 100, "SW Call GUID": "x" * 400 + "@host", "Call ID": "c1"}
    record = call_records.call_started(call_id="c1", profile=profile, owner="mw-1", irn="5" * 40)
    final = {**profile, "Service": "S" * 150, "Agent Number": "1" * 30}
    call_records.call_finished(call_id="c1", outcome="completed", profile=final)

    record = CallRecord.objects.get(call_id="c1")
    assert (len(record.ani), len(record.dnis), len(record.sw_call_guid), len(record.irn)) == (64, 64, 255, 32)
    assert (len(record.service), len(record.agent)) == (100, 20)
    assert record.ani == profile["ANI"][:64] and record.profile["ANI"] == profile["ANI"]
    assert record.profile["SW Call GUID"] == profile["SW Call GUID"]


def test_a_rejected_call_with_an_oversized_number_is_recorded():
    profile = {"ANI": "+15551230000", "DNIS": "7" * 200, "SW Call GUID": "y" * 300}
    record = call_records.rejected_call(
        call_id="c2", profile=profile, owner="mw-1", sip_status=404, reason="no IRN for the number"
    )
    assert (record.outcome, len(record.dnis), record.profile["DNIS"]) == ("rejected", 64, "7" * 200)
