"""The state of one call while its script runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scripts_app.engine.ports import AcdPort, CallControl, ScriptLoader, SqlGateway
from scripts_app.engine.trace import Step
from scripts_app.sql.types import SqlResult


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class CallContext:
    call_id: str
    profile: dict[str, str]
    media: CallControl
    sql: SqlGateway
    acd: AcdPort
    #: profile field name -> data type ("text", "number", "currency", "date", "time", "phone")
    field_types: Mapping[str, str] = field(default_factory=dict)
    scripts: ScriptLoader | None = None
    #: the IRN's fallback service: where the caller goes when the script fails beyond recovery
    fallback_service: str | None = None
    now: Callable[[], datetime] = _utc_now
    #: the last SQL action's result: its rows stay available to later actions
    last_result: SqlResult | None = None
    #: Database Connections opened by SQLConnect and not yet closed by SQLDisconnect
    connected: set[str] = field(default_factory=set)
    trace: list[Step] = field(default_factory=list)
    #: how the script ended: "queued", "transferred", "hung_up", "completed", "fallback"
    outcome: str | None = None
    #: what the caller was handed to, when the script ends by handing over (service name, transfer target)
    destination: str = ""
    #: nesting depth of Subscript
    depth: int = 0
    #: set by the interpreter: run another script on this call — its name, or a (name, Graph) pair —
    #: returning how it ended
    #: ("returned" when it reached an end and the caller is still here, else the outcome)
    run_subscript: Callable[[object], Awaitable[str]] | None = None

    @property
    def language(self) -> int:
        value = self.profile.get("Language", "").strip()
        return int(value) if value.isdigit() and int(value) in range(5) else 0

    @property
    def ended(self) -> bool:
        """The caller has left the script (queued, transferred, hung up)."""
        return self.outcome is not None
