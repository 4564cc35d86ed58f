"""Menu: one key press picks a branch ("press 1 for sales, 2 for support")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.actions._common import DTMF, E_CHOICES, ActionFailed, as_float, as_int, as_prompts, error
from scripts_app.actions._digits import (
    INVALID,
    MAX_DEADLINE,
    PROMPT_ALLOWANCE,
    TIMEOUT,
    check_digit_params,
    collect_key,
)
from scripts_app.engine.actions import Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node


def menu_keys(choices: Any) -> tuple[str, ...]:
    """The keys of a `choices` value ("123*" or ["1", "2"]), in order, each once; other values are skipped."""
    if isinstance(choices, str):
        keys = list(choices)
    elif isinstance(choices, list | tuple):
        keys = [c for c in choices if isinstance(c, str) and len(c) == 1]
    else:
        keys = []
    return tuple(dict.fromkeys(k for k in keys if k in DTMF))


@register
class Menu(Action):
    name = "menu"
    title = "Menu"
    doc = (
        "Plays the prompt and waits for one key. Each key listed in 'choices' is an exit of its own, named "
        "by the key ('1', '2', '*', '#'). No key within 'timeout' seconds, or a key not listed (after "
        "which invalid_prompt plays), uses an attempt: the prompt plays again, up to 'retries' more times. "
        "Exits: one per choice; timeout or invalid (whichever ended the last attempt). To offer the menu "
        "again later, wire a branch back to it (e.g. through a Goto)."
    )
    params = (
        Param("prompt", "prompts", doc="The menu prompts, e.g. ['press_1_sales_2_support']."),
        Param("choices", "digits", required=True, doc="The keys offered, e.g. '12*'; each is an exit."),
        Param("timeout", "float", default=5.0, doc="Seconds to wait for a key after the prompt."),
        Param("retries", "int", default=2, doc="How many more attempts after the first on no key or a wrong key."),
        Param("invalid_prompt", "prompts", doc="Played after a key not offered, e.g. ['invalid_choice']."),
    )
    fixed_exits = (TIMEOUT, INVALID)
    interacts = True

    def exits(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        return menu_keys(params.get("choices")) + self.fixed_exits

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        errors = check_digit_params(node, {"timeout": 5.0, "retries": 2})
        choices = node.params.get("choices")
        if choices is None:
            return errors  # required: the generic checks say so
        keys = list(choices) if isinstance(choices, str | list | tuple) else None
        if not keys or not all(isinstance(k, str) and k in DTMF for k in keys):
            errors.append(
                error(
                    E_CHOICES, node, "'choices' must list the keys offered, from 0-9, * and #, e.g. '123'.", "choices"
                )
            )
        elif len(set(keys)) != len(keys):
            errors.append(error(E_CHOICES, node, "'choices' lists a key twice; list each key once.", "choices"))
        return errors

    def deadline(self, params: Mapping[str, Any]) -> float:
        try:
            timeout = as_float(self.param(params, "timeout"), "timeout")
            retries = as_int(self.param(params, "retries"), "retries")
            return min((max(retries, 0) + 1) * (max(timeout, 0.0) + 2 * PROMPT_ALLOWANCE), MAX_DEADLINE)
        except (ActionFailed, OverflowError):
            return MAX_DEADLINE

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        keys = menu_keys(self.param(params, "choices"))
        if not keys:
            raise ActionFailed("The menu offers no keys: set 'choices', e.g. '123'.")
        prompts = as_prompts(self.param(params, "prompt"))
        timeout = as_float(self.param(params, "timeout"), "timeout")
        invalid_prompt = as_prompts(self.param(params, "invalid_prompt"))
        outcome = TIMEOUT
        for _attempt in range(max(as_int(self.param(params, "retries"), "retries"), 0) + 1):
            key = await collect_key(call, prompts, timeout)
            if key in keys:
                return key
            if key == "":
                outcome = TIMEOUT
                continue
            outcome = INVALID
            if invalid_prompt:
                await call.media.play(invalid_prompt, language=call.language)
        return outcome
