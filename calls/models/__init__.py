from calls.models.destinations import DestinationKind
from calls.models.history import AcdEvent, AcdEventKind
from calls.models.profile import CallProfileField, DataType, FieldKind
from calls.models.records import CallOutcome, CallRecord
from calls.models.system import Language, SystemSettings

__all__ = [
    "AcdEvent",
    "AcdEventKind",
    "CallOutcome",
    "CallProfileField",
    "CallRecord",
    "DataType",
    "DestinationKind",
    "FieldKind",
    "Language",
    "SystemSettings",
]
