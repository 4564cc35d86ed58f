"""The ACD core: plain Python over Redis (no Django here; configuration arrives as plain data)."""

from acd.engine.batch import AcdBatch
from acd.engine.config import DESTINATION_KINDS, STRATEGIES, configure_services
from acd.engine.engine import AcdEngine
from acd.engine.errors import AcdError, DuplicateCall, InvalidTransition, UnknownAgent, UnknownCall
from acd.engine.results import Diversion, EnqueueResult, Removal, Requeued

__all__ = [
    "DESTINATION_KINDS",
    "STRATEGIES",
    "Diversion",
    "Requeued",
    "AcdBatch",
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
