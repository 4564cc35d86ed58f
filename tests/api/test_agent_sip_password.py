"""The REST API never returns an agent's SIP password, in clear or encrypted, and cannot set it."""

import pytest

from acd.models import Agent
from acd.services.sip_credentials import generate_sip_password
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_the_agent_api_has_no_sip_password(api):
    agent = AgentFactory(extension="1001")
    password = generate_sip_password(agent=agent)
    stored = Agent.objects.get(pk=agent.pk).sip_password

    body = api.get(f"/api/agents/{agent.pk}/").content.decode()
    assert "sip_password" not in body and password not in body and stored not in body
    api.patch(f"/api/agents/{agent.pk}/", {"sip_password": "chosen-by-me"}, format="json")
    assert Agent.objects.get(pk=agent.pk).sip_password == stored


def test_an_extension_of_digits_is_accepted_by_the_api(api):
    response = api.post("/api/agents/", {"number": "1001", "name": "Ann", "extension": "1001"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["extension"] == "1001"
