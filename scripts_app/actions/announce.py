"""Announce: play prompts and/or speak a profile field (a balance as currency, an ID as digits…)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.actions._common import E_ANNOUNCE_EMPTY, ActionFailed, as_field, as_prompts, error
from scripts_app.engine.actions import Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node
from scripts_app.engine.ports import SAY_FORMATS

#: how a field is spoken when the node sets no format
FORMAT_FOR_TYPE = {
    "number": "number",
    "currency": "currency",
    "date": "date",
    "time": "time",
    "phone": "digits",
    "text": "text",
}
PLAYBACK_DEADLINE = 300.0


@register
class Announce(Action):
    name = "announce"
    title = "Announce"
    doc = (
        "Plays prompts, then speaks the value of a call profile field in the call's Language (0 English, "
        "1 Hebrew, 2 Russian, 3 Arabic, 4 Mexican Spanish), then plays the closing prompts: e.g. "
        "'your balance is' + Balance as currency. Without a format the field's data type decides "
        "(currency as currency, number as a number, date, time, phone as digits, text as text). An empty "
        "field is not spoken. Exit: next."
    )
    params = (
        Param("prompts", "prompts", doc="Prompts played first, e.g. ['your_balance_is']."),
        Param("field", "field", doc="The call profile field whose value is spoken, e.g. Balance."),
        Param(
            "format",
            "choice",
            choices=SAY_FORMATS,
            doc="How the value is spoken: text, number, digits (one by one), currency, date or time. "
            "Default: by the field's data type.",
        ),
        Param("after_prompts", "prompts", doc="Prompts played after the value, e.g. ['thank_you']."),
    )
    fixed_exits = ("next",)
    interacts = True

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        if not node.params.get("prompts") and not node.params.get("field"):
            return [
                error(
                    E_ANNOUNCE_EMPTY,
                    node,
                    "Announce has nothing to say: give it prompts to play or a field to speak.",
                    "prompts",
                )
            ]
        return []

    def deadline(self, params: Mapping[str, Any]) -> float:
        return PLAYBACK_DEADLINE

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        before = as_prompts(self.param(params, "prompts"))
        after = as_prompts(self.param(params, "after_prompts"))
        field = self.param(params, "field")
        field = as_field(field, "field") if field not in (None, "") else None
        if before:
            await call.media.play(before, language=call.language)
        if field:
            value = call.profile.get(field, "")
            if value.strip():
                await call.media.say(value, format=self._format(call, params, field), language=call.language)
        if after:
            await call.media.play(after, language=call.language)
        return "next"

    def _format(self, call: CallContext, params: Mapping[str, Any], field: str) -> str:
        chosen = self.param(params, "format")
        if chosen in (None, ""):
            return FORMAT_FOR_TYPE.get(call.field_types.get(field, "text"), "text")
        if chosen not in SAY_FORMATS:
            raise ActionFailed(f"Announce cannot speak in format {chosen!r}; use one of {', '.join(SAY_FORMATS)}.")
        return str(chosen)
