"""publish(): after the commit, never raising, never waiting; the dispatcher sends to the stream and queues
the webhooks, each step on its own."""

import asyncio
import logging
import os
import time

import pytest
from django.db import transaction

from acd.cti import publish
from calls.services import call_records
from tests.acd.cti.conftest import Recorder

PROFILE = {"ANI": "+1555", "Call Type": "Voice", "DNIS": "5000", "SW Call GUID": "g-1", "Service": "Sales"}


def test_an_event_reaches_the_stream_and_the_webhooks(recorder):
    publish.call_offered(call_id="c1", agent="1001", service="Sales", profile=PROFILE)
    assert recorder.dispatcher.flush()
    (payload,) = recorder.sent
    assert recorder.queued == [payload]
    assert payload["kind"] == "offered" and payload["agent"] == "1001" and payload["call_guid"] == "g-1"
    assert payload["fields"] == {"_STCC_ANI": "+1555", "_STCC_Type": "Voice"}


def test_the_profile_is_copied_when_published(recorder):
    """The call goes on changing its profile; the event says what it was at that point."""
    profile = dict(PROFILE)
    recorder.gate.clear()
    publish.call_answered(call_id="c1", agent="1001", profile=profile)
    profile["ANI"] = "changed"
    recorder.gate.set()
    assert recorder.dispatcher.flush()
    assert recorder.sent[0]["fields"]["_STCC_ANI"] == "+1555"


def test_events_queued_meanwhile_share_one_read_of_the_exported_fields(recorder):
    """While the dispatcher is busy (the stream slow), the calls go on queueing; the next round reads the
    exported fields once for all of them, not once per event."""
    recorder.gate.clear()
    publish.call_answered(call_id="c0", agent="1001", profile=PROFILE)
    assert recorder.sending.wait(5)  # c0 taken alone: its send waits at the gate
    for n in range(1, 6):
        publish.call_answered(call_id=f"c{n}", agent="1001", profile=PROFILE)
    recorder.gate.set()
    assert recorder.dispatcher.flush()
    assert (
        [p["call_id"] for p in recorder.sent] == [f"c{n}" for n in range(6)] == [p["call_id"] for p in recorder.queued]
    )
    assert recorder.reads == 2 and all(p["fields"]["_STCC_ANI"] == "+1555" for p in recorder.sent)


@pytest.mark.django_db(transaction=True)
def test_nothing_is_published_for_a_rolled_back_transaction(recorder):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish.call_offered(call_id="c1", agent="1001", service="Sales", profile=PROFILE)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        publish.call_offered(call_id="c2", agent="1001", service="Sales", profile=PROFILE)
        assert recorder.dispatcher.flush() and recorder.sent == []  # not before the commit
    assert recorder.dispatcher.flush()
    assert [p["call_id"] for p in recorder.sent] == ["c2"]


def test_a_failing_step_stops_neither_the_other_nor_the_caller(recorder, caplog):
    def broken(payload):
        raise ConnectionError("redis down")

    recorder.dispatcher.send = broken
    recorder.dispatcher.exported = lambda: 1 / 0
    with caplog.at_level(logging.ERROR):
        publish.call_transferred(call_id="c1", profile=PROFILE, target="2001", by="api", agent="1001")
        assert recorder.dispatcher.flush()
    (payload,) = recorder.queued
    assert payload["fields"] == {} and payload["target"] == "2001"  # sent without fields rather than not at all
    assert "not sent to the WebSocket stream" in caplog.text and "exported fields not read" in caplog.text


def test_publish_never_raises(recorder, caplog):
    with caplog.at_level(logging.ERROR):
        publish.publish("ringing", call_id="c1", profile={})
    assert "not published" in caplog.text and recorder.dispatcher.flush() and recorder.sent == []


def test_publish_never_waits_for_a_slow_dispatch_and_a_full_queue_drops(monkeypatch, caplog):
    """A stuck stream (Redis hanging) holds the dispatcher, never the call: a full queue drops new events."""
    rec = Recorder()
    rec.gate.clear()
    small = publish.Dispatcher(exported=dict, send=rec.send, queue_webhooks=rec.queue, maxsize=2)
    monkeypatch.setattr(publish, "_current", (os.getpid(), small))
    with caplog.at_level(logging.WARNING):
        publish.call_answered(call_id="c0", agent="1001", profile={})
        assert rec.sending.wait(5)  # c0 is being sent, stuck
        started = time.perf_counter()
        for n in range(1, 10):
            publish.call_answered(call_id=f"c{n}", agent="1001", profile={})
    assert time.perf_counter() - started < 0.1
    assert caplog.text.count("CTI queue full") == 7
    rec.gate.set()
    assert small.flush()
    assert [p["call_id"] for p in rec.sent] == ["c0", "c1", "c2"]  # the one stuck, then the two the queue held


def test_publish_from_an_event_loop_needs_no_database(recorder):
    """The media child's loop thread (routing.lifecycle.Contact.add_step): no transaction, no ORM call."""

    async def on_loop():
        publish.call_transferred(call_id="c1", profile=PROFILE, target="5100", by="script")

    asyncio.run(on_loop())
    assert recorder.dispatcher.flush() and recorder.sent[0]["kind"] == "transferred"


@pytest.mark.django_db
def test_a_closed_record_is_the_ended_event_after_the_commit(recorder, django_capture_on_commit_callbacks):
    """calls.services.call_records.call_finished tells the ACD through the call-events port (acd.services)."""
    with django_capture_on_commit_callbacks(execute=True):
        call_records.call_started(call_id="c9", profile=PROFILE, owner="mw")
        call_records.call_finished(call_id="c9", outcome="completed", profile={**PROFILE, "Agent Number": "1001"})
    assert recorder.dispatcher.flush()
    (payload,) = recorder.sent
    assert (payload["kind"], payload["outcome"], payload["agent"], payload["service"]) == (
        "ended",
        "completed",
        "1001",
        "Sales",
    )


@pytest.mark.django_db
def test_a_rejected_call_is_ended_once_after_its_transaction(recorder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_records.rejected_call(call_id="c8", profile=PROFILE, owner="mw", sip_status=404, reason="no IRN")
        assert recorder.dispatcher.flush() and recorder.sent == []
    assert len(callbacks) == 1 and recorder.dispatcher.flush()
    assert [(p["kind"], p["outcome"]) for p in recorder.sent] == [("ended", "rejected")]


def test_the_worker_knows_the_delivery_task():
    """Celery's autodiscovery imports only `<app>.tasks`: the delivery task is registered when the ACD's app is
    ready (acd.services → acd.cti.publish → acd.cti.tasks), so a worker can run what the dispatcher queues."""
    from ccweb.celery import app

    app.loader.import_default_modules()
    assert "acd.cti.deliver_webhook" in app.tasks
    assert app.tasks["acd.cti.deliver_webhook"].max_retries == 5
