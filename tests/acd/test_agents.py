"""Agents: SIP URI extensions, groups, skills with levels; all or nothing."""

import pytest
from django.core.exceptions import ValidationError

from acd.models import Agent
from core.services import service_for
from core.validators import is_sip_uri
from tests.factories import GroupFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "uri",
    [
        "sip:1001@pbx.example.com",
        "sips:agent.7@10.0.0.5:5061",
        "sip:pbx.example.com",
        "sip:1001@[2001:db8::1]:5060",
        "sip:1001@host;transport=tcp",
    ],
)
def test_valid_sip_uris(uri):
    assert is_sip_uri(uri)


@pytest.mark.parametrize(
    "uri",
    ["sip:", "1001@", "1001", "http://x", "sip:1001@", "sip:1001@host:70000", "sip:10 01@host", "sip:1001@-bad-.com"],
)
def test_malformed_sip_uris(uri):
    assert not is_sip_uri(uri)


def test_agent_with_groups_and_skill_levels():
    sales, support = GroupFactory(), GroupFactory()
    english, bonds = SkillFactory(name="English"), SkillFactory(name="Bonds")
    agent = service_for(Agent).create(
        data={
            "number": "1001",
            "name": "Alice",
            "extension": "sip:1001@pbx.example.com",
            "groups": [sales, support],
            "skills": [{"skill": english, "level": 10}, {"skill": bonds, "level": 3}],
        }
    )
    assert set(agent.groups.all()) == {sales, support}
    assert {(s.skill.name, s.level) for s in agent.agent_skills.all()} == {("English", 10), ("Bonds", 3)}


def test_malformed_extension_is_a_field_error_and_nothing_is_saved():
    with pytest.raises(ValidationError) as caught:
        service_for(Agent).create(data={"number": "1001", "name": "Alice", "extension": "1001@"})
    assert list(caught.value.message_dict) == ["extension"]
    assert "not an agent extension" in caught.value.message_dict["extension"][0]
    assert not Agent.objects.exists()


@pytest.mark.parametrize("extension", ["1001", "sip:1001@pbx.example.com", "sip:agent@10.0.0.5:5070"])
def test_an_extension_is_a_registered_user_or_a_static_sip_uri(extension):
    """Digits name a phone that registers at our front; a SIP URI is dialled as it stands."""
    agent = service_for(Agent).create(data={"number": "1001", "name": "Alice", "extension": extension})
    assert Agent.objects.get(pk=agent.pk).extension == extension


@pytest.mark.parametrize("extension", ["10a1", "sip:", "1001@host", ""])
def test_an_extension_that_is_neither_is_refused(extension):
    with pytest.raises(ValidationError) as caught:
        service_for(Agent).create(data={"number": "1001", "name": "Alice", "extension": extension})
    assert "extension" in caught.value.message_dict


@pytest.mark.parametrize(
    "skills", [lambda s: [{"skill": s, "level": 5}, {"skill": s, "level": 6}], lambda s: [{"skill": s, "level": 11}]]
)
def test_bad_skills_roll_back_the_whole_agent(skills):
    skill = SkillFactory()
    with pytest.raises(ValidationError):
        service_for(Agent).create(
            data={"number": "1001", "name": "A", "extension": "sip:1001@h", "skills": skills(skill)}
        )
    assert not Agent.objects.exists()
