"""The lifecycle's records for calls that never reached their destination (real database, no pjsua2)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from calls.models import CallRecord
from routing.lifecycle import abandoned_before_answer


@pytest.mark.django_db(transaction=True)
def test_a_caller_who_hangs_up_while_the_call_is_routed_is_an_abandoned_call_on_record():
    decision = SimpleNamespace(
        call_id="early-1", irn="5100", profile={"ANI": "+15551234567", "DNIS": "5100", "SW Call GUID": "abc@host"}
    )
    asyncio.run(abandoned_before_answer(decision, SimpleNamespace(id="host:5081")))
    record = CallRecord.objects.get(call_id="early-1")
    assert (record.outcome, record.reason, record.owner, record.ani) == (
        "abandoned",
        "caller hung up before the answer",
        "host:5081",
        "+15551234567",
    )
