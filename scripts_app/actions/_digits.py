"""Collecting DTMF digits with limits, timeouts, retries and an invalid-entry prompt (Get Digits, Callback Request)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.problems import Problem
from scripts_app.actions._common import (
    DTMF,
    E_DIGIT_LIMITS,
    E_TERMINATOR,
    E_TIMING,
    ActionFailed,
    as_float,
    as_int,
    as_prompts,
    error,
    is_number,
)
from scripts_app.engine.actions import Param
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node

SUCCESS = "success"
TIMEOUT = "timeout"
INVALID = "invalid"
TERMINATORS = ("#", "*", "")
#: seconds allowed per attempt for its prompts to play, on top of the digit timeouts
PROMPT_ALLOWANCE = 60.0


def digit_params(*, min_digits: int, max_digits: int) -> tuple[Param, ...]:
    """The collection parameters shared by Get Digits and Callback Request."""
    return (
        Param("min_digits", "int", default=min_digits, doc="Fewest digits accepted (an entry with fewer is invalid)."),
        Param(
            "max_digits",
            "int",
            default=max_digits,
            doc="Most digits: collection stops when this many are typed, without waiting for the terminator.",
        ),
        Param(
            "terminator",
            "digits",
            default="#",
            doc="The key that ends the entry ('#' by default, '*', or empty for none); it is not stored.",
        ),
        Param("first_timeout", "float", default=5.0, doc="Seconds to wait for the first digit (after the prompt)."),
        Param("inter_timeout", "float", default=3.0, doc="Seconds allowed between two digits; the entry ends then."),
        Param(
            "retries",
            "int",
            default=2,
            doc="How many more attempts after the first when the caller types nothing or an invalid entry.",
        ),
        Param("invalid_prompt", "prompts", doc="Played after an invalid entry, e.g. ['invalid_entry']."),
        Param("pattern", "regex", doc="Optional regular expression the whole entry must match, e.g. 10[0-9]{2}."),
    )


@dataclass(frozen=True)
class DigitSpec:
    prompts: list[str]
    min_digits: int
    max_digits: int
    terminator: str
    first_timeout: float
    inter_timeout: float
    retries: int
    invalid_prompt: list[str]
    pattern: re.Pattern[str] | None

    @classmethod
    def read(cls, params: Mapping[str, Any], defaults: Mapping[str, Any], prompt_param: str = "prompt") -> DigitSpec:
        def value(name: str) -> Any:
            return params.get(name, defaults.get(name))

        pattern = value("pattern")
        try:
            compiled = re.compile(pattern) if pattern not in (None, "") else None
        except (re.error, TypeError) as exc:
            raise ActionFailed(f"The pattern {pattern!r} is not a valid regular expression: {exc}.") from None
        terminator = value("terminator")
        if terminator is None:
            terminator = ""
        if terminator not in TERMINATORS:
            raise ActionFailed(f"The terminator {terminator!r} must be '#', '*' or empty.")
        spec = cls(
            prompts=as_prompts(value(prompt_param)),
            min_digits=as_int(value("min_digits"), "min_digits"),
            max_digits=as_int(value("max_digits"), "max_digits"),
            terminator=terminator,
            first_timeout=as_float(value("first_timeout"), "first_timeout"),
            inter_timeout=as_float(value("inter_timeout"), "inter_timeout"),
            retries=max(as_int(value("retries"), "retries"), 0),
            invalid_prompt=as_prompts(value("invalid_prompt")),
            pattern=compiled,
        )
        if spec.max_digits < 1 or spec.min_digits > spec.max_digits:
            raise ActionFailed(f"Digits limits {spec.min_digits}..{spec.max_digits} accept no entry.")
        return spec

    @property
    def attempts(self) -> int:
        return self.retries + 1

    def deadline(self) -> float:
        timeouts = max(self.first_timeout, 0.0) + self.max_digits * max(self.inter_timeout, 0.0)
        per_attempt = timeouts + 2 * PROMPT_ALLOWANCE
        return self.attempts * per_attempt

    def valid(self, digits: str) -> bool:
        return (
            self.min_digits <= len(digits) <= self.max_digits
            and set(digits) <= DTMF
            and (self.pattern is None or self.pattern.fullmatch(digits) is not None)
        )


async def collect_once(call: CallContext, spec: DigitSpec) -> tuple[str, str]:
    """One attempt: (SUCCESS, digits), (TIMEOUT, "") or (INVALID, digits); the invalid prompt plays on INVALID."""
    digits = await call.media.collect_digits(
        prompts=spec.prompts,
        language=call.language,
        max_digits=spec.max_digits,
        terminator=spec.terminator,
        first_timeout=spec.first_timeout,
        inter_timeout=spec.inter_timeout,
    )
    if digits == "":
        return TIMEOUT, ""
    if spec.valid(digits):
        return SUCCESS, digits
    if spec.invalid_prompt:
        await call.media.play(spec.invalid_prompt, language=call.language)
    return INVALID, digits


async def collect_key(call: CallContext, prompts: list[str], timeout: float) -> str:
    """One key (no terminator), or "" after `timeout` seconds of silence."""
    return await call.media.collect_digits(
        prompts=prompts,
        language=call.language,
        max_digits=1,
        terminator="",
        first_timeout=timeout,
        inter_timeout=timeout,
    )


#: seconds: the longest any digit collection may take, whatever its parameters say
MAX_DEADLINE = 3600.0


def deadline_of(params: Mapping[str, Any], defaults: Mapping[str, Any]) -> float:
    try:
        return min(DigitSpec.read(params, defaults).deadline(), MAX_DEADLINE)
    except (ActionFailed, OverflowError):
        return MAX_DEADLINE


def check_digit_params(node: Node, defaults: Mapping[str, Any]) -> list[Problem]:
    """E051 limits, E052 terminator, E053 timeouts and retries; non-numbers are left to the generic checks."""
    params = node.params
    errors: list[Problem] = []

    def number(name: str) -> float | None:
        value = params.get(name, defaults.get(name))
        return float(value) if is_number(value) else None

    low, high = number("min_digits"), number("max_digits")
    if high is not None and high < 1:
        errors.append(error(E_DIGIT_LIMITS, node, "'max_digits' must be at least 1.", "max_digits"))
    if low is not None and low < 0:
        errors.append(error(E_DIGIT_LIMITS, node, "'min_digits' cannot be negative.", "min_digits"))
    if low is not None and high is not None and low > high:
        errors.append(
            error(
                E_DIGIT_LIMITS,
                node,
                f"'min_digits' ({low:g}) is more than 'max_digits' ({high:g}): no entry could be accepted.",
                "min_digits",
            )
        )
    terminator = params.get("terminator", defaults.get("terminator"))
    if terminator is not None and terminator not in TERMINATORS:
        errors.append(
            error(E_TERMINATOR, node, "'terminator' must be '#', '*' or empty (no terminator).", "terminator")
        )
    for name in ("first_timeout", "inter_timeout", "timeout"):
        value = number(name)
        if value is not None and value <= 0:
            errors.append(error(E_TIMING, node, f"'{name}' must be more than 0 seconds.", name))
    retries = number("retries")
    if retries is not None and retries < 0:
        errors.append(error(E_TIMING, node, "'retries' cannot be negative (0: a single attempt).", "retries"))
    return errors
