"""Hang Up: end the call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scripts_app.engine.actions import Action, register
from scripts_app.engine.context import CallContext

HUNG_UP = "hung_up"


@register
class HangUp(Action):
    name = "hang_up"
    title = "Hang Up"
    doc = (
        "Disconnects the caller; the script ends here (the call's outcome is hung_up). No exits. "
        "Returns 'hung_up' for the trace; the interpreter stops because the call has ended."
    )
    fixed_exits = ()

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        await call.media.hangup()
        call.outcome = HUNG_UP
        return HUNG_UP
