"""The ACD core: plain Python over Redis (no Django here; configuration arrives as plain data)."""

from acd.engine.config import STRATEGIES, configure_services
from acd.engine.engine import AcdEngine, EnqueueResult, Removal
from acd.engine.errors import AcdError, DuplicateCall, InvalidTransition, UnknownAgent, UnknownCall

__all__ = [
    "STRATEGIES",
    "AcdEngine",
    "AcdError",
    "DuplicateCall",
    "EnqueueResult",
    "InvalidTransition",
    "Removal",
    "UnknownAgent",
    "UnknownCall",
    "configure_services",
]
