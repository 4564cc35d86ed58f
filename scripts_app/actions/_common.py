"""What several actions share: the failure signal, reading parameter values, `%Field%` references, check ids.

An action takes its "failure" exit by raising (ActionFailed carries a sentence for the call's trace):
the interpreter then follows the node's "failure" exit when it is wired, else the script-level fallback
(apology prompt, then the IRN's fallback service). "failure" is therefore never in `fixed_exits`.

Actions that end the script (Hang Up, Queue to Service when queued, Transfer when transferred,
Subscript without return) set `call.outcome`; the interpreter stops once `call.ended` is true.

check() ids start at scripts.E050 (the generic validator owns scripts.E001–E049); each id keeps one
meaning whichever action reports it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from core.problems import Problem
from scripts_app.engine.graph import Node

#: scripts.E0xx ids raised by actions' check(): one meaning each, shared by every action
E_ANNOUNCE_EMPTY = "scripts.E050"  # Announce with neither prompts nor a field
E_DIGIT_LIMITS = "scripts.E051"  # min_digits/max_digits out of range or min > max
E_TERMINATOR = "scripts.E052"  # terminator not '#', '*' or empty
E_TIMING = "scripts.E053"  # negative or zero timeout, negative retries or seconds
E_CHOICES = "scripts.E054"  # Menu choices empty, not DTMF, or repeated
E_SHAPE = "scripts.E055"  # a structured parameter has the wrong shape
E_UNKNOWN_FIELD = "scripts.E056"  # a field named inside a structured parameter or a %Field% reference is unknown
E_OPERATOR = "scripts.E057"  # Decision: unknown operator
E_REGEX = "scripts.E058"  # Decision: a "matches" pattern does not compile
E_VALUE_TYPE = "scripts.E059"  # a value cannot be read as the field's data type
E_CASE_NAME = "scripts.E060"  # Decision: case name missing, repeated or reserved
E_EXPRESSION = "scripts.E061"  # Change Profile: arithmetic that cannot be read
E_SELECT_ONLY = "scripts.E062"  # Query Database: a statement other than SELECT
E_TIME_ZONE = "scripts.E063"  # Schedule: unknown time zone
E_HOURS = "scripts.E064"  # Schedule: bad weekday or time range
E_HOLIDAY = "scripts.E065"  # Schedule: bad holiday date
E_TARGET = "scripts.E066"  # Transfer: target not valid for its kind

CHECK_IDS = tuple(v for k, v in globals().items() if k.startswith("E_"))

DTMF = set("0123456789*#")

# Same rule as SQL templating: `%…%` is a field reference only when the name reads like a field name
# (starts with a letter; words separated by single spaces), so "50% off 20%" stays text.
_REFERENCE = re.compile(r"%([^\W\d][\w\-]*(?: [\w\-]+)*)%")


class ActionFailed(Exception):
    """The action cannot do its job; the interpreter takes the node's failure exit (or the fallback)."""


def error(code: str, node: Node, message: str, param: str | None = None) -> Problem:
    return Problem(code, message, node.id, param)


# -- parameter values -----------------------------------------------------------------------------------


def as_int(value: Any, name: str) -> int:
    """An int parameter (validated ones are ints or strings of digits); ActionFailed otherwise."""
    if isinstance(value, bool):
        raise ActionFailed(f"Parameter '{name}' must be a whole number, not {value!r}.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise ActionFailed(f"Parameter '{name}' must be a whole number, not {value!r}.")


def as_float(value: Any, name: str) -> float:
    if isinstance(value, bool):
        raise ActionFailed(f"Parameter '{name}' must be a number of seconds, not {value!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ActionFailed(f"Parameter '{name}' must be a number of seconds, not {value!r}.") from None
    if not math.isfinite(number):
        raise ActionFailed(f"Parameter '{name}' must be a finite number, not {value!r}.")
    return number


def as_field(value: Any, name: str) -> str:
    """A field parameter: a non-empty field name."""
    if not isinstance(value, str) or not value:
        raise ActionFailed(f"Parameter '{name}' must name a call profile field, not {value!r}.")
    return value


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def as_prompts(value: Any) -> list[str]:
    """A prompts parameter: a list of prompt names, or one name."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(p) for p in value if p not in (None, "")]
    raise ActionFailed(f"Prompts must be a list of prompt names, not {value!r}.")


def is_number(value: Any) -> bool:
    """True for an int/float or a string that reads as one (what the generic validator accepts)."""
    if isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


# -- %Field% references ---------------------------------------------------------------------------------


def references(text: Any) -> list[str]:
    """Field names referenced as %Name% in `text` (nothing for non-text)."""
    return _REFERENCE.findall(text) if isinstance(text, str) else []


def interpolate(text: str, profile: Mapping[str, str], known: Iterable[str] = ()) -> str:
    """`text` with each %Name% of a profile (or known) field replaced by its value ("" when unset)."""
    names = set(profile) | set(known)
    return _REFERENCE.sub(lambda m: profile.get(m[1], "") if m[1] in names else m[0], text)


def unknown_references(node: Node, param: str, text: Any, fields: Mapping[str, str]) -> list[Problem]:
    return [
        error(
            E_UNKNOWN_FIELD,
            node,
            f"'{param}' refers to %{name}%, which is not a call profile field. "
            "Fix the name (it is case-sensitive) or add the field under Call Profiles.",
            param,
        )
        for name in dict.fromkeys(references(text))
        if name not in fields
    ]
