from acd.models.agents import Agent, AgentSkill, Group, Skill
from acd.models.calls import CallOutcome, CallRecord
from acd.models.destinations import DestinationKind
from acd.models.history import AcdEvent, AcdEventKind
from acd.models.profile import CallProfileField, DataType, FieldKind
from acd.models.routing import DNIS, IRN, NoAnswerState, Service, ServiceGroup, Strategy
from acd.models.system import Language, SystemSettings

__all__ = [
    "AcdEvent",
    "AcdEventKind",
    "Agent",
    "AgentSkill",
    "CallOutcome",
    "CallProfileField",
    "CallRecord",
    "DNIS",
    "DataType",
    "DestinationKind",
    "FieldKind",
    "Group",
    "IRN",
    "Language",
    "NoAnswerState",
    "Service",
    "ServiceGroup",
    "Skill",
    "Strategy",
    "SystemSettings",
]
