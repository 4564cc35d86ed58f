"""CTI webhooks against real HTTP receivers on free ports: the docs' example receiver verifies the signature;
5xx and 429 are retried on the backoff schedule, other 4xx are not; a receiver that is down never holds up
the call that published the event."""

import json
import socket
import time

import pytest

from acd.cti import delivery, publish, signing
from acd.cti.events import build_event
from acd.cti.tasks import deliver_webhook
from acd.models import CtiDelivery, CtiWebhook
from acd.services.cti_webhooks import CtiWebhookService
from tests.integration.cti_helpers import Scripted, example, serving

pytestmark = pytest.mark.integration

PROFILE = {"ANI": "+15551230000", "Call Type": "Voice", "SW Call GUID": "guid-1", "Service": "Sales"}


def webhook(url, name="CRM", events=("offered", "answered", "transferred", "ended")):
    return CtiWebhookService().create(data={"name": name, "url": url, "events": list(events)})


def payload(kind="offered"):
    return build_event(kind, call_id="c1", profile=PROFILE, exported={"ANI": "_STCC_ANI"}, agent="1001").payload()


def attempts(hook):
    return list(CtiDelivery.objects.filter(webhook=hook).order_by("attempt").values_list("attempt", "status", "result"))


@pytest.mark.django_db
def test_the_example_receiver_verifies_a_signed_delivery():
    receiver = example("cti_webhook_receiver")
    got = []
    hook = webhook("http://127.0.0.1:1/")
    with serving(receiver.serve(hook.get_secret(), got.append, port=0)) as url:
        CtiWebhook.objects.filter(pk=hook.pk).update(url=url)
        event = payload()
        deliver_webhook.apply(args=(hook.pk, event))
    assert got == [event]
    assert attempts(hook) == [(1, 204, "delivered")]
    hook.refresh_from_db()
    assert (hook.last_status, hook.last_error) == (204, "") and hook.last_delivery_at is not None


@pytest.mark.django_db
def test_a_delivery_signed_with_another_secret_is_refused_and_not_retried():
    receiver = example("cti_webhook_receiver")
    got = []
    with serving(receiver.serve("whsec_not-this-one", got.append, port=0)) as url:
        hook = webhook(url)
        deliver_webhook.apply(args=(hook.pk, payload()))
    assert got == [] and attempts(hook) == [(1, 401, "failed")]


@pytest.mark.django_db
def test_the_headers_and_the_body_a_receiver_gets():
    scripted = Scripted(200)
    with serving(scripted.server) as url:
        hook = webhook(url)
        event = payload("ended")
        deliver_webhook.apply(args=(hook.pk, event))
    ((headers, body),) = scripted.requests
    assert json.loads(body) == event and headers["Content-Type"] == "application/json"
    assert headers["X-CCWEB-Event"] == "ended" and headers["X-CCWEB-Delivery"] == event["id"]
    assert abs(int(headers["X-CCWEB-Timestamp"]) - time.time()) < 5
    assert signing.verify(hook.get_secret(), headers["X-CCWEB-Timestamp"], body, headers["X-CCWEB-Signature"])


@pytest.mark.django_db
def test_a_500_then_a_200_is_one_retry_of_the_same_delivery():
    scripted = Scripted(500, 200)
    with serving(scripted.server) as url:
        hook = webhook(url)
        deliver_webhook.apply(args=(hook.pk, payload()))  # eager: the retry runs at once, without its countdown
    assert attempts(hook) == [(1, 500, "retrying"), (2, 200, "delivered")]
    ids = {headers["X-CCWEB-Delivery"] for headers, _ in scripted.requests}
    assert len(scripted.requests) == 2 and len(ids) == 1  # the receiver can tell it is the same event


@pytest.mark.django_db
@pytest.mark.parametrize("status, retried", [(429, True), (503, True), (404, False), (410, False)])
def test_which_answers_are_retried_and_after_how_long(status, retried):
    scripted = Scripted(status)
    with serving(scripted.server) as url:
        hook = webhook(url)
        delays = [delivery.deliver(hook.pk, payload(), attempt) for attempt in range(1, 7)]
    assert delays == ([10, 30, 120, 600, 1800, None] if retried else [None] * 6)
    results = [row[2] for row in attempts(hook)]
    assert results == (["retrying"] * 5 + ["failed"] if retried else ["failed"] * 6)


@pytest.mark.django_db
def test_an_unsubscribed_kind_or_an_inactive_webhook_gets_nothing():
    scripted = Scripted(200)
    with serving(scripted.server) as url:
        only_ended = webhook(url, events=["ended"])
        off = webhook(url, name="Off")
        CtiWebhook.objects.filter(pk=off.pk).update(active=False)
        assert delivery.deliver(only_ended.pk, payload("offered"), 1) is None
        assert delivery.deliver(off.pk, payload("offered"), 1) is None
    assert scripted.requests == [] and not CtiDelivery.objects.exists()


def test_a_receiver_that_does_not_answer_in_time_is_a_timeout():
    scripted = Scripted(200, delay_s=1.0)
    with serving(scripted.server) as url:
        started = time.monotonic()
        result = delivery.post(url, "whsec_x", payload(), timeout=0.3)
    assert result.status is None and "Timeout" in result.error and time.monotonic() - started < 0.9


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_a_receiver_that_is_down_never_holds_up_publishing(settings):
    """The real dispatcher and Celery (eager, so the whole schedule runs at once in the dispatcher's thread):
    publish returns at once; the dead receiver's six attempts are logged and given up; the other webhook
    gets the event all the same."""
    from ccweb.celery import app
    from tests.acd.live.helpers import drop, use_test_prefixes

    client, prefix = use_test_prefixes(settings)
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    receiver = example("cti_webhook_receiver")
    got = []
    dead = webhook(f"http://127.0.0.1:{_closed_port()}/hook", name="Dead")
    alive = webhook("http://127.0.0.1:1/", name="Alive")
    try:
        with serving(receiver.serve(alive.get_secret(), got.append, port=0)) as url:
            CtiWebhook.objects.filter(pk=alive.pk).update(url=url)
            started = time.perf_counter()
            publish.call_offered(call_id="c1", agent="1001", service="Sales", profile=PROFILE)
            assert time.perf_counter() - started < 0.05
            assert publish.dispatcher().flush(timeout=30)
        rows = attempts(dead)
        assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6] and rows[-1][1:] == (None, "failed")
        assert "ConnectionError" in CtiWebhook.objects.get(pk=dead.pk).last_error
        assert [e["call_id"] for e in got] == ["c1"] and got[0]["fields"]["_STCC_ANI"] == "+15551230000"
    finally:
        app.conf.task_always_eager = eager
        drop(client, prefix)
