from acd.models.agents import Agent, AgentSkill, Group, Skill
from acd.models.codes import ReleaseCode, WrapUpCode
from acd.models.cti import CtiDelivery, CtiWebhook
from acd.models.services import NoAnswerState, Service, ServiceGroup, Strategy

__all__ = [
    "Agent",
    "AgentSkill",
    "CtiDelivery",
    "CtiWebhook",
    "Group",
    "NoAnswerState",
    "ReleaseCode",
    "Service",
    "ServiceGroup",
    "Skill",
    "Strategy",
    "WrapUpCode",
]
