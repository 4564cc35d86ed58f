"""Release codes and wrap-up codes: configured in the Director and the API, enforced on the agent's actions."""

import pytest
from django.urls import reverse

from acd.models import ReleaseCode, WrapUpCode
from acd.services import agent_states
from acd.services.agent_states import AgentStateError
from calls.models import AcdEvent

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def agent(engine_agent):
    agent_states.agent_login(agent=engine_agent, ready=True)
    return engine_agent


def test_only_active_configured_release_codes_are_taken(agent):
    ReleaseCode.objects.create(code="LUNCH", name="Lunch")
    ReleaseCode.objects.create(code="OLD", name="Old", active=False)
    with pytest.raises(AgentStateError) as refused:
        agent_states.agent_release(agent=agent, code="BREAK")
    assert refused.value.code == "unknown_code"
    assert refused.value.reason == "There is no active release code 'BREAK' (known: LUNCH)."
    with pytest.raises(AgentStateError):
        agent_states.agent_release(agent=agent, code="OLD")
    assert agent_states.agent_release(agent=agent, code="LUNCH")["code"] == "LUNCH"
    assert agent_states.agent_release(agent=agent)["state"] == "released"  # no code is allowed
    codes = [e.data.get("code") for e in AcdEvent.objects.filter(agent="1001", data__action="release")]
    assert codes == ["LUNCH", None]


def test_a_forced_release_takes_the_same_codes(agent):
    ReleaseCode.objects.create(code="MEETING", name="Meeting")
    with pytest.raises(AgentStateError):
        agent_states.agent_force_state(agent=agent, state="released", code="NAP")
    assert agent_states.agent_force_state(agent=agent, state="released", code="MEETING")["code"] == "MEETING"


def test_wrap_up_codes_and_the_rule_while_none_is_configured(agent):
    agent_states.agent_release(agent=agent, code="anything")  # no release code configured: any is taken
    WrapUpCode.objects.create(code="SALE", name="Sale", productive=True)
    with pytest.raises(AgentStateError) as refused:
        agent_states.agent_wrap_up(agent=agent, code="NOSALE")
    assert "wrap-up code 'NOSALE'" in refused.value.reason


def test_codes_over_the_api_and_in_the_director(client, admin_user):
    client.force_login(admin_user)
    body = {"code": "TRAIN", "name": "Training", "productive": True}
    created = client.post("/api/release-codes/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["productive"] is True
    bad = client.post("/api/wrap-up-codes/", {"code": "no spaces", "name": "x"}, content_type="application/json")
    assert bad.status_code == 400 and "code" in bad.json()["errors"]
    page = client.post(reverse("director:wrap_up_codes_create"), {"code": "SALE", "name": "Sale", "active": "on"})
    assert page.status_code == 302 and WrapUpCode.objects.get(code="SALE").active
    assert "TRAIN" in client.get(reverse("director:release_codes_list")).content.decode()
