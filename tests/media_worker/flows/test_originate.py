"""Originate (issue 6 item 6) without pjsua2 or the ACD: the SIP status mapping, destinations, room, and the
dial flow of a callback against a fake endpoint (the legs' SIP events are scripted) and a fake ACD port."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from media_worker.flows.originate import (
    DialRequest,
    OriginateSettings,
    Outcome,
    customer_result,
    has_room,
)
from media_worker.flows.originate_dial import CallbackDial
from media_worker.flows.originator import Originator
from media_worker.pjsua import events
from routing.destinations import DestinationError, destination_uri

# the status mapping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "result"),
    [
        (200, "answered"),
        (486, "busy"),
        (600, "busy"),
        (408, "no_answer"),
        (480, "no_answer"),
        (487, "no_answer"),
        (404, "wrong_number"),
        (484, "wrong_number"),
        (604, "wrong_number"),
        (403, "failed"),
        (488, "failed"),
        (500, "failed"),
        (503, "failed"),
        (603, "failed"),
        (0, "failed"),
        (None, "failed"),
    ],
)
def test_customer_sip_status_maps_to_a_dial_result(status, result):
    assert customer_result(status) == result


def test_a_sip_uri_is_dialled_as_is_and_a_number_goes_to_the_gateway():
    assert destination_uri(" sip:+15551234@trunk.example:5070 ", "") == "sip:+15551234@trunk.example:5070"
    assert destination_uri("sips:bob@example.org", "gw") == "sips:bob@example.org"
    assert destination_uri("bob@example.org", "") == "sip:bob@example.org"
    assert destination_uri("+1 (555) 123-4567", "10.0.0.5:5060") == "sip:+15551234567@10.0.0.5:5060"
    assert destination_uri("tel:+15551234;phone-context=x", "sip:gw.example") == "sip:+15551234@gw.example"
    assert destination_uri("5551#", "gw;transport=tcp") == "sip:5551%23@gw;transport=tcp"


@pytest.mark.parametrize(
    ("destination", "gateway", "result"),
    [
        ("", "gw", "wrong_number"),
        ("call me maybe", "gw", "wrong_number"),
        ("555\r\nX-Injected: 1", "gw", "wrong_number"),
        ("<sip:a@b>", "gw", "wrong_number"),
        ("5551234", "", "failed"),  # no gateway: our configuration, not the customer's number
    ],
)
def test_undiallable_destinations_say_why(destination, gateway, result):
    with pytest.raises(DestinationError) as caught:
        destination_uri(destination, gateway)
    assert caught.value.result == result


def test_a_child_takes_a_callback_only_with_two_free_slots_and_no_dial_in_progress():
    assert has_room(0, 3, 0) and has_room(1, 3, 0)
    assert not has_room(2, 3, 0)  # the 4th slot stays for an agent leg of the callers
    assert not has_room(0, 3, 1)


def test_settings_from_the_environment_with_floors():
    s = OriginateSettings.from_env({"CCWEB_OUTBOUND_GATEWAY": " gw:5070 ", "CCWEB_CALLBACK_RING_SECONDS": "1"})
    assert (s.gateway, s.customer_ring_s, s.poll_s, s.stale_s) == ("gw:5070", 5.0, 1.0, 600.0)
    assert OriginateSettings.from_env({"CCWEB_CALLBACK_RING_SECONDS": "x"}).customer_ring_s == 30.0


def test_a_stream_message_becomes_a_request_with_a_record_id_per_attempt():
    fields = {"call": "c1", "service": "Sales", "agent": "1001", "extension": " sip:1001@h ", "group": "g"}
    fields |= {"destination": "+1555", "attempt": "2", "ring_ms": "15000"}
    request = DialRequest.from_message("1700000000000-0", fields)
    assert (request.call_id, request.extension, request.ring_ms, request.attempt) == ("c1", "sip:1001@h", 15000, "2")
    assert request.record_id == "c1:1700000000000-0"
    assert DialRequest.from_message("1-0", {"call": "c", "agent": "a", "ring_ms": "x"}).ring_ms == 20000


# the flow, with fakes ---------------------------------------------------------------------------


@dataclass
class FakePhone:
    """How a far end behaves: ring after `ring_s` (180), then answer (200) or fail with `status`, after `answer_s`;
    `None` for status: never answers (rings until cancelled). `hangs_up_s`: BYE that long after answering."""

    status: int | None = 200
    ring_s: float = 0.01
    answer_s: float = 0.02
    hangs_up_s: float | None = None
    media: bool = True
    early_media: bool = False  # 183 with SDP: audio before the answer


@dataclass
class FakeDialer:
    phones: dict[str, FakePhone]
    placed: list[tuple[int, str, dict]] = field(default_factory=list)
    log: list[tuple] = field(default_factory=list)
    bridged: list[tuple[int, int]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    _state: dict[int, str] = field(default_factory=dict)
    _listeners: dict = field(default_factory=dict)

    def make_call(self, uri, headers=None, listener=None):
        if uri in self.refuse:
            raise RuntimeError("pjsua refused the call")
        call_id = len(self.placed) + 1
        self.placed.append((call_id, uri, dict(headers or {})))
        self.log.append(("make_call", uri))
        self._listeners[call_id] = listener
        self._state[call_id] = "CALLING"
        phone = self.phones[uri]
        loop = asyncio.get_running_loop()
        loop.call_later(phone.ring_s, self._emit, call_id, events.CallState(call_id, "EARLY", 180))
        if phone.early_media:
            loop.call_later(phone.ring_s * 1.5, self._emit, call_id, events.MediaReady(call_id))
        if phone.status is not None:
            loop.call_later(phone.answer_s, self._final, call_id, phone)
        return call_id

    def _emit(self, call_id, event):
        if self._state.get(call_id) == "ENDED":
            return
        if isinstance(event, events.CallState):
            self._state[call_id] = event.state
        if isinstance(event, events.Ended):
            self._state[call_id] = "ENDED"
        self.log.append(("event", call_id, type(event).__name__, getattr(event, "state", "")))
        self._listeners[call_id](event)

    def _final(self, call_id, phone):
        if self._state.get(call_id) == "ENDED":
            return
        if phone.status == 200:
            self._emit(call_id, events.CallState(call_id, "CONFIRMED", 200))
            if phone.media and not phone.early_media:
                self._emit(call_id, events.MediaReady(call_id))
            if phone.hangs_up_s is not None:
                asyncio.get_running_loop().call_later(
                    phone.hangs_up_s, self._emit, call_id, events.Ended(call_id, 200, "Normal call clearing")
                )
        else:
            self._emit(call_id, events.Ended(call_id, phone.status, "far end"))

    def hangup(self, call_id, code=0):
        self.log.append(("hangup", call_id))
        status = 200 if self._state.get(call_id) == "CONFIRMED" else 487
        asyncio.get_running_loop().call_soon(self._emit, call_id, events.Ended(call_id, status, "hung up"))

    def bridge(self, a, b):
        self.log.append(("bridge", a, b))
        self.bridged.append((a, b))
        return True


@dataclass
class FakePort:
    holds: list[bool] = field(default_factory=lambda: [True, True])
    record_new: bool = True
    calls: list[tuple] = field(default_factory=list)

    def _note(self, *what):
        self.calls.append(what)

    def hold(self, request, ms):
        self._note("hold", ms)
        return self.holds.pop(0) if self.holds else True

    def profile(self, request):
        return {"Customer Number": "1001", "ANI": "+15551230001", "Call Type": "Callback"}

    def exported_fields(self):
        return ["Customer Number", "Agent Number", "Call Type"]

    def record_started(self, request, profile):
        self._note("record_started", dict(profile))
        return self.record_new

    def record_finished(self, request, outcome: Outcome, profile):
        self._note("record_finished", outcome)

    def ringing(self, request):
        self._note("ringing")

    def agent_no_answer(self, request):
        self._note("agent_no_answer")

    def answered(self, request):
        self._note("answered")

    def failed(self, request, result):
        self._note("failed", result)

    def ended(self, request):
        self._note("ended")

    def ack(self, request):
        self._note("ack")

    def names(self):
        return [c[0] if c[0] != "failed" else f"failed:{c[1]}" for c in self.calls if c[0] != "hold"]

    def finished(self) -> Outcome:
        return [c[1] for c in self.calls if c[0] == "record_finished"][-1]


AGENT = "sip:1001@agent.example"
CUSTOMER = "sip:+15551230001@customer.example"


def request(**overrides) -> DialRequest:
    base = dict(message_id="1-0", call_id="c1", agent="1001", extension=AGENT, service="Stocks", group="g")
    base |= dict(destination=CUSTOMER, attempt="1", ring_ms=300)
    return DialRequest(**(base | overrides))


def run_dial(dialer, port, req=None, *, ring_s=5.0, gateway=""):
    settings = OriginateSettings(gateway=gateway, customer_ring_s=ring_s)
    dial = CallbackDial(req or request(), dialer, port, settings)
    return asyncio.run(asyncio.wait_for(dial.run(), 10)), dial


def test_agent_rings_with_headers_then_the_customer_is_dialled_bridged_and_answered_reported():
    """The agent's phone gets the kept profile as X-STCC headers; only after the agent answered is the customer
    dialled; both legs are bridged; the ACD hears ringing, answered (then the request is acked), and the end."""
    dialer = FakeDialer({AGENT: FakePhone(200), CUSTOMER: FakePhone(200, hangs_up_s=0.05)})
    port = FakePort()
    outcome, dial = run_dial(dialer, port)
    assert outcome.result == "answered"
    (agent_id, agent_uri, headers), (customer_id, customer_uri, customer_headers) = dialer.placed
    assert (agent_uri, customer_uri, customer_headers) == (AGENT, CUSTOMER, {})
    assert headers == {"X-STCC-Customer-Number": "1001", "X-STCC-Agent-Number": "1001", "X-STCC-Call-Type": "Callback"}
    confirmed = dialer.log.index(("event", agent_id, "CallState", "CONFIRMED"))
    assert dialer.log.index(("make_call", CUSTOMER)) > confirmed
    assert dialer.bridged == [(agent_id, customer_id)]
    assert port.names() == ["record_started", "ringing", "answered", "ack", "ended", "record_finished"]
    assert port.finished() == Outcome("answered", 200)
    # the reservation is held for the agent's ring, then for the customer's
    assert [c[1] for c in port.calls if c[0] == "hold"] == [300 + 10000, 5000 + 10000]
    assert ("hangup", agent_id) in dialer.log  # the customer hung up: the agent's leg ends too
    assert dial.legs_placed == 2


@pytest.mark.parametrize(
    ("status", "result"), [(486, "busy"), (600, "busy"), (404, "wrong_number"), (480, "no_answer"), (503, "failed")]
)
def test_a_customer_who_does_not_answer_fails_the_attempt_and_frees_the_agent(status, result):
    dialer = FakeDialer({AGENT: FakePhone(200), CUSTOMER: FakePhone(status)})
    port = FakePort()
    outcome, _ = run_dial(dialer, port)
    assert (outcome.result, outcome.sip_status) == (result, status)
    assert port.names() == ["record_started", "ringing", f"failed:{result}", "ack", "record_finished"]
    assert ("hangup", 1) in dialer.log  # the agent's leg is hung up
    assert dialer.bridged == []


def test_a_customer_ringing_past_the_ring_time_is_cancelled_as_no_answer():
    dialer = FakeDialer({AGENT: FakePhone(200), CUSTOMER: FakePhone(None)})
    port = FakePort()
    outcome, _ = run_dial(dialer, port, ring_s=0.2)
    assert (outcome.result, outcome.sip_status) == ("no_answer", 487)
    assert ("hangup", 2) in dialer.log  # CANCEL of the customer's leg
    assert "failed:no_answer" in port.names()


@pytest.mark.parametrize("phone", [FakePhone(None), FakePhone(486)])
def test_an_agent_who_does_not_answer_takes_the_no_answer_path_and_nobody_else_is_dialled(phone):
    dialer = FakeDialer({AGENT: phone})
    port = FakePort()
    outcome, _ = run_dial(dialer, port)
    assert outcome.result == "agent_no_answer"
    assert [uri for _, uri, _ in dialer.placed] == [AGENT]
    assert port.names()[-3:] == ["agent_no_answer", "ack", "record_finished"]


def test_a_stale_request_is_acknowledged_and_nothing_is_dialled():
    """Reconcile freed the reservation (no child had room in time): never ring, never record."""
    dialer = FakeDialer({})
    port = FakePort(holds=[False])
    outcome, _ = run_dial(dialer, port)
    assert outcome.result == "stale"
    assert dialer.placed == [] and port.names() == ["ack"]


def test_an_attempt_already_recorded_is_not_dialled_twice():
    port = FakePort(record_new=False)
    outcome, _ = run_dial(FakeDialer({}), port)
    assert outcome.result == "stale" and port.names() == ["record_started", "ack"]


def test_the_reservation_lost_while_the_agent_talked_is_not_reported_again():
    dialer = FakeDialer({AGENT: FakePhone(200), CUSTOMER: FakePhone(200)})
    port = FakePort(holds=[True, False])
    outcome, _ = run_dial(dialer, port)
    assert outcome.result == "lost"
    assert [uri for _, uri, _ in dialer.placed] == [AGENT]
    assert port.names() == ["record_started", "ringing", "ack", "record_finished"]


def test_a_bare_number_goes_to_the_gateway_and_without_one_the_agent_is_not_bothered():
    number_uri = "sip:5551234@gw.example"
    dialer = FakeDialer({AGENT: FakePhone(200), number_uri: FakePhone(486)})
    outcome, _ = run_dial(dialer, FakePort(), request(destination="555-1234"), gateway="gw.example")
    assert outcome.result == "busy" and dialer.placed[1][1] == number_uri

    dialer, port = FakeDialer({}), FakePort()
    outcome, _ = run_dial(dialer, port, request(destination="555-1234"), gateway="")
    assert outcome.result == "failed" and dialer.placed == []
    assert port.names() == ["record_started", "failed:failed", "ack", "record_finished"]


def test_a_customer_leg_pjsua_refuses_is_a_failed_attempt():
    dialer = FakeDialer({AGENT: FakePhone(200)}, refuse={CUSTOMER})
    port = FakePort()
    outcome, _ = run_dial(dialer, port)
    assert outcome.result == "failed" and "failed:failed" in port.names()
    assert ("hangup", 1) in dialer.log


def test_the_agent_hanging_up_while_the_customer_rings_cancels_the_customer():
    dialer = FakeDialer({AGENT: FakePhone(200, hangs_up_s=0.05), CUSTOMER: FakePhone(None)})
    port = FakePort()
    outcome, _ = run_dial(dialer, port)
    assert outcome.result == "failed" and "agent hung up" in outcome.reason
    assert ("hangup", 2) in dialer.log


def test_a_dial_cancelled_when_the_child_stops_hangs_up_and_reports_failed():
    dialer = FakeDialer({AGENT: FakePhone(200), CUSTOMER: FakePhone(None)})
    port = FakePort()

    async def scenario():
        dial = CallbackDial(request(), dialer, port, OriginateSettings(customer_ring_s=30))
        task = asyncio.create_task(dial.run())
        await asyncio.sleep(0.1)  # the customer rings
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert ("hangup", 1) in dialer.log and ("hangup", 2) in dialer.log
    assert port.names()[-3:] == ["failed:failed", "ack", "record_finished"]


# the child's hook -------------------------------------------------------------------------------


@dataclass
class FakeEndpoint(FakeDialer):
    active_calls: int = 0
    capacity: int = 3


class StreamPort(FakePort):
    def __init__(self, requests):
        super().__init__(holds=[])
        self.requests = list(requests)
        self.claims = 0
        self.stale_checks = 0

    def claim(self, count=1):
        self.claims += 1
        return [self.requests.pop(0)] if self.requests else []

    def claim_stale(self, min_idle_ms):
        self.stale_checks += 1
        return 0

    def end_orphans(self):
        return 0


def test_the_originator_claims_only_with_room_and_reserves_the_slots_of_its_dial():
    endpoint = FakeEndpoint({AGENT: FakePhone(None)}, active_calls=2)
    port = StreamPort([request()])
    originator = Originator(
        "host:5081", endpoint, settings=OriginateSettings(poll_s=0.02), port_factory=lambda owner: port
    )

    async def scenario():
        originator.start(asyncio.get_running_loop())
        await asyncio.sleep(0.15)
        assert port.claims == 0  # two calls held: no room for both legs
        endpoint.active_calls = 1
        await asyncio.sleep(0.1)
        assert port.claims == 1 and len(originator.dials) == 1
        assert originator.reserved_slots == 1  # the agent's leg is placed; the customer's slot stays kept
        await asyncio.sleep(0.1)
        assert port.claims == 1  # one dial at a time
        originator.stop()
        await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert port.stale_checks == 1
    assert "failed:failed" in port.names()  # the stopped dial reported


def test_the_child_answers_486_to_a_caller_who_would_take_a_kept_slot():
    from media_worker.process.child import dispatch

    class Endpoint:
        capacity = 3
        active_calls = 2  # the agent leg of a callback and the new caller

        def has_room(self):
            return self.active_calls <= self.capacity

        def answer(self, call_id, code):
            answers.append(code)
            return True

    class Handler:
        reserved_slots = 1

        def __call__(self, event, call):
            answers.append("handled")

    answers: list = []
    incoming = events.IncomingCall(1, "sip:a@h", "sip:5000@h")
    dispatch(Endpoint(), Handler(), {}, [incoming], {"calls": 0, "rejected_full": 0})
    assert answers == ["handled"]  # 2 + 1 kept = 3: fits
    Endpoint.active_calls = 3
    dispatch(
        Endpoint(), Handler(), {}, [events.IncomingCall(2, "sip:a@h", "sip:5000@h")], {"calls": 0, "rejected_full": 0}
    )
    assert answers == ["handled", 486]


def test_the_customers_early_media_is_bridged_before_the_answer_so_the_agent_hears_the_ringback():
    dialer = FakeDialer(
        {AGENT: FakePhone(200), CUSTOMER: FakePhone(200, early_media=True, answer_s=0.1, hangs_up_s=0.05)}
    )
    outcome, _ = run_dial(dialer, FakePort())
    assert outcome.result == "answered"
    assert dialer.bridged == [(1, 2)]  # once, early
    assert dialer.log.index(("bridge", 1, 2)) < dialer.log.index(("event", 2, "CallState", "CONFIRMED"))


def test_early_media_then_busy_still_fails_the_attempt():
    dialer = FakeDialer({AGENT: FakePhone(200), CUSTOMER: FakePhone(486, early_media=True, answer_s=0.1)})
    port = FakePort()
    outcome, _ = run_dial(dialer, port)
    assert outcome.result == "busy" and dialer.bridged == [(1, 2)]
    assert "failed:busy" in port.names()
