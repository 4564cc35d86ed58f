"""Play Prompt: play recorded prompts to the caller."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scripts_app.actions._common import as_prompts
from scripts_app.actions.announce import PLAYBACK_DEADLINE
from scripts_app.engine.actions import Action, Param, register
from scripts_app.engine.context import CallContext


@register
class PlayPrompt(Action):
    name = "play_prompt"
    title = "Play Prompt"
    doc = "Plays one or more recorded prompts, in order, from the call's Language folder. Exit: next."
    params = (Param("prompts", "prompts", required=True, doc="Prompt names played in order, e.g. ['welcome']."),)
    fixed_exits = ("next",)
    interacts = True

    def deadline(self, params: Mapping[str, Any]) -> float:
        return PLAYBACK_DEADLINE

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        prompts = as_prompts(self.param(params, "prompts"))
        if prompts:
            await call.media.play(prompts, language=call.language)
        return "next"
