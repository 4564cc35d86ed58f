"""An agent whose phone refuses offered calls again and again is released, not offered the call many times a
second; the call goes to the next agent (acd.services.acd_calls.call_no_answer, real engine on Redis)."""

import pytest

from acd import notifier
from acd.services import acd_calls, agent_states
from acd.services.acd_calls import PHONE_FAILED
from calls.models import AcdEvent, AcdEventKind
from tests.acd.live.helpers import drop, load_engine, use_test_prefixes
from tests.factories import AgentFactory, GroupFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def two_agents(settings):
    settings.CCWEB_AGENT_PHONE_FAILURES = 3
    client, prefix = use_test_prefixes(settings)
    group = GroupFactory(name="g")
    agents = [AgentFactory(number=n) for n in ("1001", "1002")]
    for agent in agents:
        agent.groups.add(group)
    load_engine(client, prefix, agents, {"Sales": ["g"]})
    yield agents
    drop(client, prefix)


def state(number):
    return notifier.engine().agent(number)


def test_three_failures_in_a_row_release_the_agent_and_the_call_goes_on(two_agents):
    broken, good = two_agents
    agent_states.agent_login(agent=broken, ready=True)
    for attempt in range(1, 4):
        reserved = acd_calls.call_queued(call_id=f"c{attempt}", service="Sales").agent
        assert reserved == "1001"
        # the service sends agents who let a call go back to available: only the failures stop this one
        acd_calls.call_no_answer(call_id=f"c{attempt}", agent="1001", agent_state_after="available", failure=488)
        # before the third failure the only agent gets the call straight back (offered again at once)
        expected = {"reserved"} if attempt < 3 else {"released"}
        assert state("1001")["state"] in expected, attempt
        acd_calls.call_hangup(call_id=f"c{attempt}")
    assert state("1001")["code"] == PHONE_FAILED
    release = AcdEvent.objects.filter(kind=AcdEventKind.AGENT_STATE, agent="1001", data__code=PHONE_FAILED).get()
    assert release.data["reason"] == "the phone refused 3 offered calls in a row (last: SIP 488)"
    # the next call goes to the other agent once it is ready; the broken phone is not offered it
    agent_states.agent_login(agent=good, ready=True)
    assert acd_calls.call_queued(call_id="c4", service="Sales").agent == "1002"


def test_an_answered_call_and_a_ring_out_do_not_count(two_agents):
    agent = two_agents[0]
    agent_states.agent_login(agent=agent, ready=True)
    for i, failure in enumerate([488, 503, 0, 0, 488, 500]):
        acd_calls.call_queued(call_id=f"r{i}", service="Sales")
        if i == 3:
            acd_calls.call_answered(call_id=f"r{i}", agent="1001")  # the phone works: counting starts over
            acd_calls.call_hangup(call_id=f"r{i}")
            agent_states.agent_end_wrap_up(agent=agent)
            continue
        acd_calls.call_no_answer(call_id=f"r{i}", agent="1001", agent_state_after="available", failure=failure)
        acd_calls.call_hangup(call_id=f"r{i}")
    assert state("1001")["state"] == "available"
    statuses = list(
        AcdEvent.objects.filter(kind=AcdEventKind.NO_ANSWER, agent="1001").values_list("data__sip_status", flat=True)
    )
    assert statuses == [488, 503, None, 488, 500]
