"""Callback Request: the caller keys in a number, confirms it, and the ACD calls back keeping their place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.actions._common import ActionFailed, as_prompts
from scripts_app.actions._digits import (
    INVALID,
    PROMPT_ALLOWANCE,
    SUCCESS,
    TIMEOUT,
    DigitSpec,
    check_digit_params,
    collect_key,
    collect_once,
    deadline_of,
    digit_params,
)
from scripts_app.engine.actions import Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node

REQUESTED = "requested"
CONFIRM_KEY = "1"
REENTER_KEY = "2"
DESTINATION_FIELDS = ("Call Back Destination", "Primary Call Back Destination")


@register
class CallbackRequest(Action):
    name = "callback_request"
    title = "Callback Request"
    doc = (
        "Asks the caller for the number to call back (as Get Digits does), reads it back digit by digit "
        "after confirm_prompt, then plays confirm_menu_prompt: 1 confirms, 2 enters the number again. "
        "A confirmed number is stored in Call Back Destination and Primary Call Back Destination and the "
        "ACD registers the callback, keeping the caller's place in the queue; done_prompt then plays. "
        "Silence, an invalid number, a wrong key at confirmation or choosing to re-enter uses an attempt "
        "(1 + retries in all). Exits: requested; timeout or invalid (whichever ended the last attempt); "
        "failure (optional exit) when the ACD refuses the callback."
    )
    params = (
        Param("prompt", "prompts", doc="Prompts asking for the number, e.g. ['enter_callback_number']."),
        Param("confirm_prompt", "prompts", doc="Played before the number is read back, e.g. ['you_entered']."),
        Param(
            "confirm_menu_prompt",
            "prompts",
            doc="Played after the number, e.g. ['press_1_to_confirm_2_to_reenter'] (1 confirms, 2 re-enters).",
        ),
        Param("done_prompt", "prompts", doc="Played once the callback is registered, e.g. ['we_will_call_you']."),
        *digit_params(min_digits=7, max_digits=15),
    )
    fixed_exits = (REQUESTED, TIMEOUT, INVALID)
    interacts = True

    @property
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        return check_digit_params(node, self.defaults)

    def deadline(self, params: Mapping[str, Any]) -> float:
        # each attempt also reads the number back and asks for the confirmation key
        return deadline_of(params, self.defaults) * 2 + PROMPT_ALLOWANCE

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        spec = DigitSpec.read(params, self.defaults)
        outcome = TIMEOUT
        for _attempt in range(spec.attempts):
            outcome, number = await collect_once(call, spec)
            if outcome != SUCCESS:
                continue
            outcome = await self._confirm(call, params, spec, number)
            if outcome == REQUESTED:
                await self._request(call, params, number)
                return REQUESTED
        return outcome

    async def _confirm(self, call: CallContext, params: Mapping[str, Any], spec: DigitSpec, number: str) -> str:
        confirm_prompt = as_prompts(self.param(params, "confirm_prompt"))
        if confirm_prompt:
            await call.media.play(confirm_prompt, language=call.language)
        await call.media.say(number, format="digits", language=call.language)
        key = await collect_key(call, as_prompts(self.param(params, "confirm_menu_prompt")), spec.first_timeout)
        if key == CONFIRM_KEY:
            return REQUESTED
        if key == "":
            return TIMEOUT
        if key != REENTER_KEY and spec.invalid_prompt:
            await call.media.play(spec.invalid_prompt, language=call.language)
        return INVALID

    async def _request(self, call: CallContext, params: Mapping[str, Any], number: str) -> None:
        for field in DESTINATION_FIELDS:
            call.profile[field] = number
        if not await call.acd.request_callback(call.call_id, call.profile):
            raise ActionFailed(f"The ACD refused the callback to {number}.")
        done = as_prompts(self.param(params, "done_prompt"))
        if done:
            await call.media.play(done, language=call.language)
