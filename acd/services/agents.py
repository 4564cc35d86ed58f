"""Groups, skills and agents."""

from typing import Any

from django.core.exceptions import ValidationError

from acd.models import Agent, AgentSkill, Group, Skill
from acd.services.live_config import sync_live_config
from acd.services.sip_credentials import sync_sip_credentials_quietly
from core.services import ConfigService, register


@register
class GroupService(ConfigService[Group]):
    model = Group
    after_commit = (sync_live_config,)


@register
class SkillService(ConfigService[Skill]):
    model = Skill
    after_commit = (sync_live_config,)


@register
class AgentService(ConfigService[Agent]):
    """`groups`: the agent's groups; `skills`: a list of {"skill": Skill, "level": 1-10} (replaces the current list)."""

    model = Agent
    extra_keys = ("groups", "skills")
    # a changed or deleted extension changes which HA1s Kamailio may accept
    after_commit = (sync_live_config, sync_sip_credentials_quietly)

    def save_related(self, instance: Agent, data: dict[str, Any], *, creating: bool) -> None:
        if "groups" in data:
            instance.groups.set(data["groups"] or [])
        if "skills" in data:
            rows = data["skills"] or []
            seen = [row["skill"] for row in rows]
            if len(seen) != len(set(seen)):
                raise ValidationError({"skills": "Each skill can be given only once."})
            instance.agent_skills.all().delete()
            for row in rows:
                skill = AgentSkill(agent=instance, skill=row["skill"], level=row.get("level", 5))
                skill.full_clean(exclude=["agent"])
                skill.save()
