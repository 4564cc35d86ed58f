"""Goto: jump to another node."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scripts_app.engine.actions import Action, register
from scripts_app.engine.context import CallContext


@register
class Goto(Action):
    name = "goto"
    title = "Goto"
    doc = (
        "Continues at another node: the target is the node its single exit 'next' is wired to. This is how "
        "a graph jumps back, e.g. to offer a menu again after an announcement. A loop must pass through an "
        "action that plays to or listens to the caller, or the script is refused. Exit: next."
    )
    fixed_exits = ("next",)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        return "next"
