"""Blind transfer on the child without pjsua2 or the ACD: the flows against a fake call (the legs' SIP events
are scripted), a fake caller's CallControl and a fake CallOwner."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from media_worker.flows import transfer as transfer_call
from media_worker.flows.media_call import MediaCall
from media_worker.pjsua import events
from routing import lifecycle
from routing.inbound import Decision
from routing.transfers import Target, TargetError, transfer_message

FIELDS = ["Customer Number", "Service"]


@dataclass
class Endpoint:
    hung_up: list[int] = field(default_factory=list)
    listeners: dict = field(default_factory=dict)

    def hangup(self, call_id: int, code: int = 0) -> None:
        self.hung_up.append(call_id)
        listener = self.listeners.get(call_id)
        if listener is not None:  # a ringing leg answers our CANCEL with 487, a connected one our BYE with 200
            listener(events.Ended(call_id, 487 if call_id not in self.confirmed else 200))

    confirmed: set = field(default_factory=set)


class Call:
    """A CallHandle: `answer(status)` scripts what the next dialled leg does."""

    def __init__(self, leg_answers: list[int]) -> None:
        self.endpoint = Endpoint()
        self.dialled: list[tuple[str, dict]] = []
        self.bridged: list[int] = []
        self.leg_answers = list(leg_answers)

    def dial(self, uri: str, headers: dict, listener) -> int:
        call_id = 100 + len(self.dialled)
        self.dialled.append((uri, headers))
        self.endpoint.listeners[call_id] = listener
        status = self.leg_answers.pop(0)
        loop = asyncio.get_running_loop()
        loop.call_soon(listener, events.CallState(call_id, "EARLY", 180))
        if status == 200:
            self.endpoint.confirmed.add(call_id)
            loop.call_later(0.01, listener, events.CallState(call_id, "CONFIRMED", 200))
            loop.call_later(0.01, listener, events.MediaReady(call_id))
        elif status:
            loop.call_later(0.01, listener, events.Ended(call_id, status))
        return call_id

    def bridge(self, other: int) -> bool:
        self.bridged.append(other)
        return True


class Control:
    def __init__(self) -> None:
        self.ended_future = asyncio.get_running_loop().create_future()
        self.bridged = True
        self.on_hold = False
        self.played: list[str] = []
        self.log: list[str] = []

    @property
    def ended(self) -> bool:
        return self.ended_future.done()

    async def start_music_on_hold(self) -> None:
        self.on_hold = not self.bridged
        self.log.append("moh")

    async def stop_music_on_hold(self) -> None:
        self.on_hold = False
        self.log.append("moh_stop")

    async def play(self, prompts, *, language: int) -> None:
        self.played += list(prompts)

    async def hangup(self) -> None:
        self.log.append("hangup")
        if not self.ended_future.done():
            self.ended_future.set_result(events.Ended(1, 200))


class Owner:
    def __init__(self, queue_status: str = "queued") -> None:
        self.calls: list[tuple] = []
        self.queue_status = queue_status
        self.profiles: dict = {}

    def hangup(self, call_id: str) -> None:
        self.calls.append(("hangup", call_id))

    def track(self, call_id: str, profile) -> None:
        self.profiles[call_id] = profile

    def queue(self, call_id: str, service: str, profile) -> str:
        self.calls.append(("queue", call_id, service))
        return self.queue_status


def _setup(leg_answers, *, queue_status: str = "queued", graph=None):
    call = Call(leg_answers)
    control = Control()
    owner = Owner(queue_status)
    profile = {"Customer Number": "1001", "Service": "Stocks", "Agent Number": "1001", "Agent Extension": "sip:a"}
    decision = Decision("service", "c1", profile, graph=graph)
    contact = lifecycle.Contact(decision, owner, control, outcome="queued", first_done=True)
    mc = MediaCall(call, control=control, contact=contact, agent_leg=7)
    return mc, call, control, owner, profile, contact


def _message(target: Target) -> dict:
    return transfer_message("c1", target, by="api:admin")


@pytest.fixture(autouse=True)
def _fields(monkeypatch):
    monkeypatch.setattr(transfer_call, "exported_fields", lambda: FIELDS)
    monkeypatch.setattr(transfer_call, "ring_seconds", lambda: 0.3)


def test_an_extension_answers_the_caller_is_bridged_and_the_agent_left_first():
    """The agent's leg is hung up and the call leaves the ACD before the target is dialled (with the X-STCC
    headers, on music on hold); the target answering is bridged; its hang-up ends the caller's leg."""

    async def run():
        mc, call, control, owner, profile, contact = _setup([200])
        target = Target("extension", "sip:2001@pbx", "2001", agent="1002", via="agent")
        task = asyncio.create_task(transfer_call.transfer_bridged(mc, _message(target)))
        while not call.bridged:
            await asyncio.sleep(0.01)
        assert call.endpoint.hung_up == [7] and owner.calls == [("hangup", "c1")]
        assert call.dialled == [("sip:2001@pbx", {"X-STCC-Customer-Number": "1001", "X-STCC-Service": "Stocks"})]
        assert control.log[:2] == ["moh", "moh_stop"] and control.bridged and not control.ended
        call.endpoint.listeners[100](events.Ended(100, 200))  # the target hangs up
        assert await task == "answered"
        assert control.log[-1] == "hangup" and mc.transferring is None
        (entry,) = [step.as_dict() for step in contact.trace]
        assert (entry["exit"], entry["by"], entry["from_agent"], entry["to_agent"], entry["destination"]) == (
            "answered",
            "api:admin",
            "1001",
            "1002",
            "sip:2001@pbx",
        )
        assert profile["Agent Number"] == "1001"  # the record keeps the agent who handled the call

    asyncio.run(run())


@pytest.mark.parametrize(("status", "result"), [(486, "busy"), (0, "no_answer"), (404, "failed")])
def test_a_target_that_answers_nobody_puts_the_caller_back_in_the_queue(status, result):
    """Busy, no answer within the ring time (our CANCEL), a failure: the call is queued again to its service
    without the agent's fields, on music on hold; the caller is not hung up."""

    async def run():
        mc, call, control, owner, profile, contact = _setup([status])
        target = Target("extension", "sip:2001@pbx", "2001")
        assert await transfer_call.transfer_bridged(mc, _message(target)) == result
        assert owner.calls == [("hangup", "c1"), ("queue", "c1", "Stocks")]
        assert (contact.outcome, control.on_hold, control.ended) == ("queued", True, False)
        assert profile["Agent Number"] == "" and profile["Agent Extension"] == ""
        assert [step.result for step in contact.trace] == [result]
        if status == 0:
            assert call.endpoint.hung_up == [7, 100]  # the CANCEL after the ring time

    asyncio.run(run())


def test_when_no_queue_takes_the_caller_back_the_apology_plays_and_the_call_ends():
    async def run():
        graph = type("Graph", (), {"apology_prompt": "sorry"})()
        mc, call, control, owner, profile, contact = _setup([486], queue_status="no_agents", graph=graph)
        target = Target("extension", "sip:2001@pbx", "2001")
        assert await transfer_call.transfer_bridged(mc, _message(target)) == "busy"
        assert control.played == ["sorry"] and control.ended

    asyncio.run(run())


def test_a_call_that_is_not_bridged_any_more_is_left_alone():
    """The agent hung up meanwhile (no agent leg): nothing is hung up, dialled or sent to the ACD."""

    async def run():
        mc, call, control, owner, profile, contact = _setup([200])
        mc.agent_leg = None
        target = Target("extension", "sip:2001@pbx", "2001")
        assert await transfer_call.transfer_bridged(mc, _message(target)) == "not_connected"
        assert (call.endpoint.hung_up, call.dialled, owner.calls, contact.trace) == ([], [], [], [])
        bad = {"type": "transfer", "call": "c1", "kind": "nowhere", "destination": "x"}
        assert await transfer_call.transfer_bridged(mc, bad) == "failed"

    asyncio.run(run())


def test_an_irn_transfer_re_routes_the_call(monkeypatch):
    """The agent leaves; the IRN's destination runs on the same call with the agent's fields cleared; an
    outcome that is no hand-over ends the caller's leg."""
    seen = {}

    async def reroute(contact, irn):
        seen["irn"], seen["agent"] = irn, contact.profile["Agent Number"]
        contact.outcome = "completed"
        return "completed"

    monkeypatch.setattr(lifecycle, "reroute", reroute)

    async def run():
        mc, call, control, owner, profile, contact = _setup([])
        assert await transfer_call.transfer_bridged(mc, _message(Target("irn", "5200", "5200"))) == "rerouted"
        assert seen == {"irn": "5200", "agent": ""} and owner.calls == [("hangup", "c1")]
        assert control.ended and call.dialled == []

    asyncio.run(run())


def test_the_scripts_transfer(monkeypatch):
    """Extension: True once the target answered (the bridge outlives the action), False when it was busy (the
    caller stays, the script's failure exit runs); IRN: True and the re-route waits for the script's end;
    an unknown target or a call without an owner: False."""
    targets = {
        "2001": Target("extension", "sip:2001@pbx", "2001"),
        "5200": Target("irn", "5200", "5200"),
    }

    def resolve(text):
        if text not in targets:
            raise TargetError("bad_target", "no")
        return targets[text]

    monkeypatch.setattr(transfer_call, "resolve", resolve)

    async def run():
        mc, call, control, owner, profile, contact = _setup([486, 200])
        contact.first_done = False  # the first script still runs
        control.bridged = False
        assert await transfer_call.script_transfer(mc, "2001") is False
        assert not control.on_hold and not control.ended
        tracked = []
        mc.track = tracked.append
        assert await transfer_call.script_transfer(mc, "2001") is True
        assert call.bridged == [101] and len(tracked) == 1 and not tracked[0].done()
        call.endpoint.listeners[101](events.Ended(101, 200))
        await tracked[0]
        assert control.ended  # the target's hang-up ended the caller's leg

        mc, call, control, owner, profile, contact = _setup([])
        contact.first_done = False
        assert await transfer_call.script_transfer(mc, "5200") is True
        assert contact.reroute_to == "5200" and [s.result for s in contact.pending] == ["rerouted"]
        assert await transfer_call.script_transfer(mc, "nowhere") is False
        mc.contact = None
        assert await transfer_call.script_transfer(mc, "2001") is False

    asyncio.run(run())


def test_steps_made_while_the_first_script_runs_follow_its_own_steps():
    """A transfer step made during the first script waits, then joins the record's trace after the script."""

    async def run():
        mc, call, control, owner, profile, contact = _setup([])
        contact.first_done = False
        contact.add_step("transfer")
        contact.trace.append("script step")
        contact.first_done = True
        await lifecycle.run_reroutes(contact)
        assert contact.trace == ["script step", "transfer"] and contact.pending == []

    asyncio.run(run())


@pytest.mark.parametrize(
    ("uri", "target"),
    [
        ("<sip:1002@127.0.0.1:5081>", "1002"),  # a number at the child itself: an extension or an IRN of ours
        ("sip:5200@10.0.0.5;transport=udp", "5200"),
        ("<sip:+15551234567@pbx?Replaces=abc%40host>", "+15551234567"),
        ("<sip:alice@pbx.example.com>", "sip:alice@pbx.example.com"),
    ],
)
def test_a_phones_refer_to_becomes_a_transfer_target(uri, target):
    assert transfer_call.refer_target(uri) == target
