"""Music On Hold: the caller hears the hold music for N seconds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.actions._common import E_TIMING, as_float, error, is_number
from scripts_app.engine.actions import Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node


@register
class MusicOnHold(Action):
    name = "music_on_hold"
    title = "Music On Hold"
    doc = "Plays the music on hold (System > Misc) for the given number of seconds, then stops it. Exit: next."
    params = (Param("seconds", "float", required=True, doc="How long the music plays, in seconds (> 0)."),)
    fixed_exits = ("next",)
    interacts = True

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        return check_seconds(node)

    def deadline(self, params: Mapping[str, Any]) -> float:
        return seconds_deadline(params)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        seconds = as_float(self.param(params, "seconds"), "seconds")
        await call.media.start_music_on_hold()
        try:
            await call.media.wait(max(seconds, 0.0))
        finally:
            await call.media.stop_music_on_hold()
        return "next"


def check_seconds(node: Node) -> list[Problem]:
    value = node.params.get("seconds")
    if value is None or not is_number(value) or float(value) > 0:
        return []  # missing or not a number: the generic parameter checks say so
    return [error(E_TIMING, node, f"'seconds' must be more than 0 (it is {value}).", "seconds")]


def seconds_deadline(params: Mapping[str, Any]) -> float:
    value: Any = params.get("seconds")
    return (float(value) if is_number(value) and float(value) > 0 else 0.0) + 30.0
