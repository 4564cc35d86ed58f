"""Routing > Agents, Groups and Skills."""

import pytest
from django.urls import reverse

from acd.models import Agent, AgentSkill, Group, Skill
from tests.director.factories import AgentFactory, GroupFactory, SkillFactory
from tests.director.html import field_error

pytestmark = pytest.mark.django_db

AGENTS_CREATE = reverse("director:agents_create")


def _agent_data(groups=(), skills=(), **overrides):
    """Form data; `skills` is [(Skill, level), ...]."""
    data = {"number": "1001", "name": "Dana Levi", "extension": "sip:1001@pbx.example.com", "user": "",
            "groups": [g.pk for g in groups], "skills": [s.pk for s, _ in skills]}  # fmt: skip
    for skill, level in skills:
        data[f"skills_{skill.pk}_level"] = str(level)
    return data | overrides


def _levels(agent):
    return {row.skill.name: row.level for row in AgentSkill.objects.filter(agent=agent)}


def test_create_agent_with_user_groups_and_skill_levels(staff_client, admin_user):
    sales, support = GroupFactory(name="Sales"), GroupFactory(name="Support")
    spanish, bonds = SkillFactory(name="Spanish"), SkillFactory(name="Bonds")
    response = staff_client.post(
        AGENTS_CREATE, _agent_data(groups=[sales, support], skills=[(spanish, 8), (bonds, 3)], user=admin_user.pk)
    )
    assert response["Location"] == reverse("director:agents_list")
    agent = Agent.objects.get(number="1001")
    assert agent.user == admin_user
    assert set(agent.groups.values_list("name", flat=True)) == {"Sales", "Support"}
    assert _levels(agent) == {"Spanish": 8, "Bonds": 3}


def test_edit_replaces_groups_and_skills(staff_client):
    sales, support = GroupFactory(name="Sales"), GroupFactory(name="Support")
    spanish, bonds = SkillFactory(name="Spanish"), SkillFactory(name="Bonds")
    agent = AgentFactory(number="1001")
    agent.groups.set([sales])
    AgentSkill.objects.create(agent=agent, skill=spanish, level=8)
    html = staff_client.get(reverse("director:agents_update", args=[agent.pk])).content.decode()
    assert f'name="skills_{spanish.pk}_level" value="8"' in html
    staff_client.post(
        reverse("director:agents_update", args=[agent.pk]), _agent_data(groups=[support], skills=[(bonds, 10)])
    )
    assert list(agent.groups.values_list("name", flat=True)) == ["Support"]
    assert _levels(agent) == {"Bonds": 10}


@pytest.mark.parametrize("extension", ["sip:", "1001@", "10 01", "sip:1001@", "sip:1001@pbx.example.com:99999"])
def test_malformed_sip_uri_is_refused_beside_the_extension(staff_client, extension):
    response = staff_client.post(AGENTS_CREATE, _agent_data(extension=extension))
    assert response.status_code == 200
    assert "is not an agent extension" in field_error(response, "extension")
    assert not Agent.objects.exists()


@pytest.mark.parametrize("level", ["0", "11", "", "high"])
def test_skill_level_outside_1_to_10_is_refused(staff_client, level):
    skill = SkillFactory(name="Spanish")
    data = _agent_data() | {"skills": [skill.pk], f"skills_{skill.pk}_level": level}
    response = staff_client.post(AGENTS_CREATE, data)
    assert "level of 'Spanish' must be a whole number from 1 to 10" in field_error(response, "skills")
    assert not Agent.objects.exists() and not AgentSkill.objects.exists()


def test_agent_number_is_digits_only(staff_client):
    response = staff_client.post(AGENTS_CREATE, _agent_data(number="A1"))
    assert "digits only" in field_error(response, "number")


def test_agent_list_draws_groups_and_skill_levels_as_chips(staff_client):
    agent = AgentFactory(number="1001", name="Dana Levi")
    agent.groups.set([GroupFactory(name="Sales")])
    AgentSkill.objects.create(agent=agent, skill=SkillFactory(name="Spanish"), level=8)
    html = staff_client.get(reverse("director:agents_list")).content.decode()
    assert '<span class="chip">Sales</span>' in html
    assert '<span class="chip">Spanish<b class="level">8</b></span>' in html


def test_delete_agent(staff_client):
    agent = AgentFactory()
    AgentSkill.objects.create(agent=agent, skill=SkillFactory(), level=5)
    staff_client.post(reverse("director:agents_delete", args=[agent.pk]))
    assert not Agent.objects.exists() and not AgentSkill.objects.exists()


def test_create_edit_delete_group(staff_client):
    staff_client.post(reverse("director:groups_create"), {"name": "Sales", "description": "", "wrap_up_seconds": "10"})
    group = Group.objects.get(name="Sales")
    assert group.wrap_up_seconds == 10
    staff_client.post(reverse("director:groups_update", args=[group.pk]), {"name": "Sales EU", "wrap_up_seconds": "20"})
    group.refresh_from_db()
    assert (group.name, group.wrap_up_seconds) == ("Sales EU", 20)
    staff_client.post(reverse("director:groups_delete", args=[group.pk]))
    assert not Group.objects.exists()


def test_create_edit_delete_skill(staff_client):
    staff_client.post(reverse("director:skills_create"), {"name": "Spanish", "description": "Native speaker"})
    skill = Skill.objects.get(name="Spanish")
    staff_client.post(reverse("director:skills_update", args=[skill.pk]), {"name": "Castilian", "description": ""})
    skill.refresh_from_db()
    assert skill.name == "Castilian"
    staff_client.post(reverse("director:skills_delete", args=[skill.pk]))
    assert not Skill.objects.exists()


def test_deleting_a_skill_an_agent_has_explains_why(staff_client):
    skill = SkillFactory(name="Spanish")
    AgentSkill.objects.create(agent=AgentFactory(number="1001"), skill=skill, level=5)
    response = staff_client.post(reverse("director:skills_delete", args=[skill.pk]))
    assert "Skill &#x27;Spanish&#x27; cannot be deleted" in response.content.decode()
    assert Skill.objects.filter(pk=skill.pk).exists()
