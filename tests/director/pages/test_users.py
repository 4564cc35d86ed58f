"""System > Users: create an agent's user with the Agent link, change a role, set a password, deactivate."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from acd.models import Agent
from acd.services.users import assign_role
from core.roles import Role, role_of, stored_role
from tests.director.html import field_error
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

LIST_URL = reverse("director:users_list")
CREATE_URL = reverse("director:users_create")


def _create(client, **fields):
    data = {"username": "ada", "first_name": "Ada", "last_name": "L", "email": "ada@example.com"}
    data.update({"password": "correct-horse-9", "is_active": "on", "role": "agent"})
    data.update(fields)
    return client.post(CREATE_URL, {k: v for k, v in data.items() if v is not None})


def test_create_an_agents_user_linked_to_its_agent(staff_client):
    agent = AgentFactory(number="1001", name="Ada")
    response = _create(staff_client, agent=agent.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="ada")
    assert role_of(user) is Role.AGENT and not user.is_staff and user.check_password("correct-horse-9")
    assert Agent.objects.get(pk=agent.pk).user == user
    html = staff_client.get(LIST_URL).content.decode()
    assert "1001 Ada" in html and "Agent" in html


def test_only_the_agent_role_acts_as_an_agent(staff_client):
    agent = AgentFactory(number="1001")
    response = _create(staff_client, role="supervisor", agent=agent.pk)
    assert field_error(response, "agent") == "Only a user with the agent role acts as an agent."
    assert not User.objects.filter(username="ada").exists()


def test_create_an_integrator_which_is_never_linked_to_an_agent(staff_client):
    """The Integrator role is offered; an integrator is not staff and cannot be linked to an agent."""
    assert '<option value="integrator">Integrator</option>' in staff_client.get(CREATE_URL).content.decode()
    agent = AgentFactory(number="1001")
    response = _create(staff_client, username="crm", role="integrator", agent=agent.pk)
    assert field_error(response, "agent") == "Only a user with the agent role acts as an agent."
    assert _create(staff_client, username="crm", role="integrator").status_code == 302
    user = User.objects.get(username="crm")
    assert role_of(user) is Role.INTEGRATOR and not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Integrators"]
    assert "Integrator" in staff_client.get(LIST_URL).content.decode()


def test_a_new_role_other_than_agent_drops_the_agent_link(staff_client):
    """An agent's user given another role (assign_role, as every role change) no longer acts as that agent:
    an integrator's token cannot act on the agent's state as its own."""
    agent = AgentFactory(number="1001")
    assert _create(staff_client, agent=agent.pk).status_code == 302
    user = User.objects.get(username="ada")
    assign_role(user, Role.INTEGRATOR)
    assert Agent.objects.get(pk=agent.pk).user is None and role_of(user) is Role.INTEGRATOR


def test_a_weak_password_is_refused_beside_the_field(staff_client):
    response = _create(staff_client, password="12345678")
    assert "too common" in field_error(response, "password")
    assert not User.objects.filter(username="ada").exists()


def test_an_administrator_is_staff_and_a_role_change_moves_the_group(staff_client):
    assert _create(staff_client, username="root2", role="administrator").status_code == 302
    user = User.objects.get(username="root2")
    assert user.is_staff and role_of(user) is Role.ADMINISTRATOR
    edit = reverse("director:users_update", args=[user.pk])
    form = {"username": "root2", "email": "", "first_name": "", "last_name": "", "is_active": "on"}
    assert staff_client.post(edit, {**form, "role": "supervisor"}).status_code == 302
    user.refresh_from_db()
    assert not user.is_staff and role_of(user) is Role.SUPERVISOR
    assert list(user.groups.values_list("name", flat=True)) == ["Supervisors"]


def test_deactivating_keeps_the_role_and_blocks_login(staff_client, client):
    assert _create(staff_client).status_code == 302
    user = User.objects.get(username="ada")
    form = {"username": "ada", "email": "", "first_name": "", "last_name": "", "role": "agent"}
    assert staff_client.post(reverse("director:users_update", args=[user.pk]), form).status_code == 302
    user.refresh_from_db()
    assert not user.is_active and stored_role(user) is Role.AGENT and role_of(user) is None
    assert not client.login(username="ada", password="correct-horse-9")


def test_the_last_administrator_cannot_lose_the_role(client, role_user):
    admin = role_user("administrator")
    client.force_login(admin)
    form = {"username": admin.username, "email": "", "first_name": "", "last_name": "", "is_active": "on"}
    response = client.post(reverse("director:users_update", args=[admin.pk]), {**form, "role": "agent"})
    assert "last active administrator" in field_error(response, "role")
    admin.refresh_from_db()
    assert role_of(admin) is Role.ADMINISTRATOR


def test_set_password_and_users_are_never_deleted(staff_client):
    assert _create(staff_client).status_code == 302
    user = User.objects.get(username="ada")
    url = reverse("director:users_password", args=[user.pk])
    assert "Set password" in staff_client.get(reverse("director:users_update", args=[user.pk])).content.decode()
    assert staff_client.post(url, {"password": "another-horse-7"}).status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-horse-7")
    html = staff_client.get(LIST_URL).content.decode()
    assert reverse("director:users_delete", args=[user.pk]) not in html
    response = staff_client.post(reverse("director:users_delete", args=[user.pk]), follow=True)
    assert User.objects.filter(pk=user.pk).exists()
    assert "deactivate the user instead" in response.content.decode()


def test_the_password_is_never_rendered_back(staff_client):
    assert _create(staff_client).status_code == 302
    user = User.objects.get(username="ada")
    html = staff_client.get(reverse("director:users_update", args=[user.pk])).content.decode()
    assert 'name="password"' not in html and user.password not in html
