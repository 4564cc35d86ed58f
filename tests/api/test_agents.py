"""/api/groups/, /api/skills/ and /api/agents/: agents with groups and leveled skills, saved atomically."""

import pytest

from acd.models import Agent, AgentSkill, Group, Skill
from tests.factories import AgentFactory, GroupFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("url", "model"), [("/api/groups/", Group), ("/api/skills/", Skill)])
def test_groups_and_skills_crud(api, url, model):
    """Groups and skills can be created, read, renamed and deleted."""
    response = api.post(url, {"name": "Tier 1", "description": "first line"}, format="json")
    assert response.status_code == 201, response.content
    detail = f"{url}{response.json()['id']}/"
    assert api.get(detail).json()["description"] == "first line"
    assert api.put(detail, {"name": "Tier 2"}, format="json").json()["name"] == "Tier 2"
    assert api.delete(detail).status_code == 204
    assert not model.objects.exists()


def test_agent_crud_with_groups_and_skill_levels(api, admin_user):
    """Agents carry group ids and {skill, level} rows; PATCH skills replaces the list."""
    sales, support = GroupFactory(), GroupFactory()
    english, french = SkillFactory(name="English"), SkillFactory(name="French")
    data = {
        "number": "1001",
        "name": "Alice",
        "extension": "sip:1001@pbx.example.com",
        "user": admin_user.pk,
        "groups": [sales.pk, support.pk],
        "skills": [{"skill": english.pk, "level": 9}, {"skill": french.pk}],
    }
    response = api.post("/api/agents/", data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert sorted(body["groups"]) == sorted([sales.pk, support.pk])
    assert sorted((s["skill"], s["level"]) for s in body["skills"]) == [(english.pk, 9), (french.pk, 5)]
    detail = f"/api/agents/{body['id']}/"
    response = api.patch(detail, {"skills": [{"skill": french.pk, "level": 2}], "groups": []}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["skills"] == [{"skill": french.pk, "level": 2}]
    assert response.json()["groups"] == []
    assert list(AgentSkill.objects.values_list("skill_id", "level")) == [(french.pk, 2)]
    assert api.get(detail).json()["user"] == admin_user.pk
    assert api.delete(detail).status_code == 204
    assert not Agent.objects.exists() and not AgentSkill.objects.exists()


def test_malformed_sip_uri_extension_is_a_field_error(api):
    """An extension that is not a SIP URI -> 400 on extension, no agent."""
    data = {"number": "1002", "name": "Bob", "extension": "sip:bob@@pbx"}
    response = api.post("/api/agents/", data, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["extension"]
    assert not Agent.objects.exists()


def test_same_skill_twice_saves_nothing_not_even_the_agent(api):
    """A skill given twice -> 400 on skills, and the agent row created before the skills is rolled back."""
    skill = SkillFactory()
    AgentFactory()
    agents_before, skills_before = Agent.objects.count(), AgentSkill.objects.count()
    data = {
        "number": "1003",
        "name": "Carol",
        "extension": "sip:1003@pbx.example.com",
        "skills": [{"skill": skill.pk, "level": 3}, {"skill": skill.pk, "level": 4}],
    }
    response = api.post("/api/agents/", data, format="json")
    assert response.status_code == 400
    assert "once" in response.json()["errors"]["skills"][0]
    assert Agent.objects.count() == agents_before and AgentSkill.objects.count() == skills_before
    assert not Agent.objects.filter(number="1003").exists()


def test_skill_level_out_of_range_is_an_error_on_skills(api):
    """Level 11 -> 400 on skills, nothing saved."""
    data = {"number": "1004", "name": "Dan", "extension": "sip:1004@pbx.example.com"}
    response = api.post("/api/agents/", data | {"skills": [{"skill": SkillFactory().pk, "level": 11}]}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["skills.0.level"]
    assert not Agent.objects.exists()


def test_agents_filter_by_group_and_skill(api):
    """?group= and ?skill= select agents by membership."""
    group, skill = GroupFactory(), SkillFactory()
    in_group, with_skill, _other = AgentFactory(), AgentFactory(), AgentFactory()
    in_group.groups.add(group)
    AgentSkill.objects.create(agent=with_skill, skill=skill, level=5)
    assert [r["id"] for r in api.get("/api/agents/", {"group": group.pk}).json()["results"]] == [in_group.pk]
    assert [r["id"] for r in api.get("/api/agents/", {"skill": skill.pk}).json()["results"]] == [with_skill.pk]


def test_deleting_a_skill_an_agent_has_is_a_400(api):
    """A skill in use is protected: 400 with the service's message, the skill stays."""
    skill = SkillFactory()
    AgentSkill.objects.create(agent=AgentFactory(), skill=skill)
    response = api.delete(f"/api/skills/{skill.pk}/")
    assert response.status_code == 400 and "used by" in response.json()["errors"]["non_field_errors"][0]
    assert Skill.objects.filter(pk=skill.pk).exists()
