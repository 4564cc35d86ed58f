"""Queue to Service: sets Service (and Priority), hands the call to the ACD; queued, no_agents, full, failure."""

import pytest

from scripts_app.actions._common import ActionFailed
from scripts_app.engine.actions import get_action
from tests.scripts_app.fakes import FakeAcd, make_call, run_action


def test_queued_ends_the_script_with_the_service_as_destination():
    call = make_call()
    assert run_action("queue_to_service", {"service": "Stocks", "priority": "7"}, call) == "queued"
    assert call.profile["Service"] == "Stocks" and call.profile["Priority"] == "7"
    ((call_id, service, profile),) = call.acd.queued
    assert (call_id, service, profile["Service"], profile["Priority"]) == ("call-1", "Stocks", "Stocks", "7")
    assert call.outcome == "queued" and call.destination == "Stocks" and call.ended


def test_without_a_service_the_profile_service_is_used_and_priority_kept():
    call = make_call({"Service": "Bonds", "Priority": "3"})
    assert run_action("queue_to_service", {}, call) == "queued"
    assert call.acd.queued[0][1] == "Bonds" and call.profile["Priority"] == "3"


@pytest.mark.parametrize("answer", ["no_agents", "full"])
def test_no_agents_and_full_leave_the_call_in_the_script(answer):
    call = make_call(acd=FakeAcd({"Stocks": answer}))
    assert run_action("queue_to_service", {"service": "Stocks"}, call) == answer
    assert not call.ended and call.profile["Service"] == "Stocks"


def test_an_unknown_service_fails():
    call = make_call(acd=FakeAcd(services={"Stocks"}))
    with pytest.raises(ActionFailed, match="no service named 'Gold'"):
        run_action("queue_to_service", {"service": "Gold"}, call)
    assert not call.ended


def test_an_unexpected_answer_fails():
    with pytest.raises(ActionFailed, match="busy"):
        run_action("queue_to_service", {"service": "Stocks"}, make_call(acd=FakeAcd({"Stocks": "busy"})))


def test_no_service_at_all_fails_without_asking_the_acd():
    call = make_call({"Service": ""})
    with pytest.raises(ActionFailed, match="no service"):
        run_action("queue_to_service", {}, call)
    assert call.acd.queued == []


def test_declaration():
    action = get_action("queue_to_service")
    assert action.exits({}) == ("queued", "no_agents", "full") and not action.interacts
