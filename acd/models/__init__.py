from acd.models.agents import Agent, AgentSkill, Group, Skill
from acd.models.services import NoAnswerState, Service, ServiceGroup, Strategy

__all__ = ["Agent", "AgentSkill", "Group", "NoAnswerState", "Service", "ServiceGroup", "Skill", "Strategy"]
