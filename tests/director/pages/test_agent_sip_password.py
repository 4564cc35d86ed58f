"""Configuration > Agents > Generate SIP password: shown once right after generating, never again."""

import pytest
from django.urls import reverse

from acd.models import Agent
from acd.services.sip_credentials import sip_password
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_the_agent_page_links_to_the_action(staff_client):
    agent = AgentFactory(extension="1001")
    html = staff_client.get(reverse("director:agents_update", args=[agent.pk])).content.decode()
    assert reverse("director:agents_sip_password", args=[agent.pk]) in html


def test_generating_shows_the_password_once_and_stores_it_encrypted(staff_client):
    agent = AgentFactory(extension="1001")
    url = reverse("director:agents_sip_password", args=[agent.pk])
    assert "has no password yet" in staff_client.get(url).content.decode()

    response = staff_client.post(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = sip_password(Agent.objects.get(pk=agent.pk))
    html = response.content.decode()
    assert f'id="sip-password">{password}</code>' in html and "<code>1001</code>" in html

    # never again: not on the confirmation page, the agent's page, the list or the admin
    pages = [
        url,
        reverse("director:agents_update", args=[agent.pk]),
        reverse("director:agents_list"),
        reverse("admin:acd_agent_change", args=[agent.pk]),
    ]
    for page in pages:
        assert password not in staff_client.get(page).content.decode(), page


def test_a_static_uri_agent_is_told_to_use_a_registered_extension(staff_client):
    agent = AgentFactory(extension="sip:1001@pbx.example.com")
    response = staff_client.post(reverse("director:agents_sip_password", args=[agent.pk]), follow=True)
    assert "give the agent a digits extension first" in response.content.decode()
    assert Agent.objects.get(pk=agent.pk).sip_password == ""


def test_an_agent_role_user_cannot_generate(client, role_user):
    agent = AgentFactory(extension="1001")
    client.force_login(role_user("agent"))
    response = client.post(reverse("director:agents_sip_password", args=[agent.pk]))
    assert response.status_code in (302, 403)
    assert Agent.objects.get(pk=agent.pk).sip_password == ""
