"""The record of a script run: every step, for the call's history (cradle to grave)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Step:
    node: str
    action: str
    exit: str | None  # the exit taken; None when the action raised or ran past its deadline
    started_ms: float  # since the script started
    duration_ms: float
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (before, after)
    error: str = ""
    script: str = ""  # set for steps of a subscript

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes"] = {name: list(pair) for name, pair in self.changes.items()}
        return data
