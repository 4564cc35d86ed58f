"""Subscript: run another published script on this call, with or without coming back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scripts_app.actions._common import ActionFailed, as_bool
from scripts_app.engine.actions import Action, Param, register
from scripts_app.engine.context import CallContext

NEXT = "next"
RETURNED = "returned"
COMPLETED = "completed"


@register
class Subscript(Action):
    name = "subscript"
    title = "Subscript"
    doc = (
        "Runs another published script (the version in force) on this call. With 'return' (the default), "
        "when the subscript reaches an end with the caller still there, this script continues at 'next'. "
        "Without 'return' the subscript finishes the call: reaching its end hangs up (outcome "
        "completed), and the node has no exits. If the subscript queues, transfers or hangs up the call, "
        "the call ends with that outcome either way. Exits: next (with return only); failure (optional "
        "exit: the script does not exist or cannot run)."
    )
    params = (
        Param("script", "script", required=True, doc="The published script to run, by name."),
        Param(
            "return",
            "bool",
            default=True,
            doc="True: come back and continue at 'next'. False: the subscript's end is the end of the call.",
        ),
    )
    fixed_exits = (NEXT,)

    def exits(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        return self.fixed_exits if as_bool(params.get("return", True)) else ()

    def deadline(self, params: Mapping[str, Any]) -> float:
        # The subscript's own actions have their deadlines and the interpreter's step budget bounds it.
        return 3600.0

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        name = self.param(params, "script")
        if call.scripts is None or call.run_subscript is None:
            raise ActionFailed("Subscripts cannot run here (no script loader).")
        graph = call.scripts.load(str(name))
        if graph is None:
            raise ActionFailed(f"There is no published script named '{name}'.")
        how = await call.run_subscript((str(name), graph))
        if call.ended:
            return call.outcome or how
        if how != RETURNED:
            raise ActionFailed(f"The subscript '{name}' ended as {how!r} but the caller is still here.")
        if as_bool(self.param(params, "return")):
            return NEXT
        await call.media.hangup()
        call.outcome = COMPLETED
        return COMPLETED
