"""Wait: a pause of N seconds (music on hold continues if it is playing)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.actions._common import as_float
from scripts_app.actions.music_on_hold import check_seconds, seconds_deadline
from scripts_app.engine.actions import Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node


@register
class Wait(Action):
    name = "wait"
    title = "Wait"
    doc = "Pauses the script for the given number of seconds (silence, or the music already playing). Exit: next."
    params = (Param("seconds", "float", required=True, doc="How long to wait, in seconds (> 0)."),)
    fixed_exits = ("next",)
    interacts = True

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        return check_seconds(node)

    def deadline(self, params: Mapping[str, Any]) -> float:
        return seconds_deadline(params)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        await call.media.wait(max(as_float(self.param(params, "seconds"), "seconds"), 0.0))
        return "next"
