"""Get Digits: collect the caller's DTMF entry into a profile field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.actions._common import as_field
from scripts_app.actions._digits import (
    INVALID,
    SUCCESS,
    TIMEOUT,
    DigitSpec,
    check_digit_params,
    collect_once,
    deadline_of,
    digit_params,
)
from scripts_app.engine.actions import Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node


@register
class GetDigits(Action):
    name = "get_digits"
    title = "Get Digits"
    doc = (
        "Plays the prompt and collects digits typed by the caller (digits typed during the prompt count) "
        "until the terminator, max_digits, or inter_timeout of silence; the entry, without the "
        "terminator, is stored in a profile field. An entry is valid when it has min_digits..max_digits "
        "characters and matches the pattern, if any. Nothing typed within first_timeout, or an invalid "
        "entry (after which invalid_prompt plays), uses an attempt: the prompt plays again, up to "
        "'retries' more times. Exits: success (field set); timeout or invalid (whichever ended the last "
        "attempt; the field is unchanged)."
    )
    params = (
        Param("prompt", "prompts", doc="Prompts asking for the entry, e.g. ['enter_customer_id']."),
        Param("field", "field", required=True, doc="The profile field the entry is stored in, e.g. Customer ID."),
        *digit_params(min_digits=1, max_digits=20),
    )
    fixed_exits = (SUCCESS, TIMEOUT, INVALID)
    interacts = True

    @property
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        return check_digit_params(node, self.defaults)

    def deadline(self, params: Mapping[str, Any]) -> float:
        return deadline_of(params, self.defaults)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        spec = DigitSpec.read(params, self.defaults)
        field = as_field(self.param(params, "field"), "field")
        outcome = TIMEOUT
        for _attempt in range(spec.attempts):
            outcome, digits = await collect_once(call, spec)
            if outcome == SUCCESS:
                call.profile[field] = digits
                return SUCCESS
        return outcome
