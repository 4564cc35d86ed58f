"""Parameter checks of the validator: presence, kinds (PARAM_KINDS) and what the values refer to.

Each function returns errors as values; nothing here raises on bad input.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Iterable
from typing import Any

from core.problems import Problem
from scripts_app.engine.actions import Action, Param, ValidationEnv
from scripts_app.engine.graph import Node

DTMF = frozenset("0123456789*#")


def suggest(value: object, names: Iterable[str]) -> str:
    """ "use 'X' or 'Y'" with the names closest to `value`; "" when none is close."""
    known = sorted(set(names))
    matches = difflib.get_close_matches(value, known, n=3, cutoff=0.6) if isinstance(value, str) else []
    return "use " + " or ".join(f"'{m}'" for m in matches) if matches else ""


def closest(value: object, names: Iterable[str], *, what: str) -> str:
    """An imperative naming the names closest to `value` ("use 'X' or 'Y'"), or saying where to define one."""
    known = sorted(set(names))
    hint = suggest(value, known)
    if hint:
        return hint
    if not known:
        return f"no {what} exists yet, so create it first"
    if len(known) <= 8:
        return f"use one of {', '.join(known)}"
    return f"use a {what} that exists"


def check_params(node: Node, action: Action, env: ValidationEnv) -> list[Problem]:
    """E004 missing, E005 unknown, E006 wrong kind, then the references (E011-E015, E018, E013)."""
    errors: list[Problem] = []
    declared = {p.name: p for p in action.params}
    for param in action.params:
        if param.required and node.params.get(param.name) is None:
            msg = f"Action '{action.name}' needs parameter '{param.name}'; set it."
            errors.append(_error("scripts.E004", node, param.name, msg))
    for key in node.params:
        if key not in declared:
            hint = closest(key, declared, what="parameter")
            msg = f"Action '{action.name}' has no parameter '{key}'; remove it or rename it ({hint})."
            errors.append(_error("scripts.E005", node, str(key), msg))
    for param in action.params:
        if param.name not in node.params:
            continue
        value = node.params[param.name]
        if value is None:
            if param.default is not None:
                errors.append(_error("scripts.E006", node, param.name, f"'{param.name}' is null; give it a value."))
            continue
        problem = kind_problem(param, value)
        if problem:
            msg = f"Parameter '{param.name}' {problem}; correct the value."
            errors.append(_error("scripts.E006", node, param.name, msg))
            continue
        errors.extend(_check_reference(node, action, param, value, env))
    return errors


def kind_problem(param: Param, value: Any) -> str | None:
    """Why `value` is not of the param's kind (None when it is)."""
    kind = param.kind
    if kind in ("text", "field", "prompt", "connection", "sql", "service", "script"):
        if not isinstance(value, str):
            return "must be text"
        if kind != "text" and not value.strip():
            return "must not be empty"
        return None
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return None
        if isinstance(value, float) and value.is_integer():
            return None
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            return None
        return "must be a whole number"
    if kind == "float":
        return None if _is_number(value) else "must be a number"
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "prompts":  # a list of prompt names, or one name
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list | tuple) or not all(isinstance(v, str) and v.strip() for v in names):
            return "must be a list of prompt names"
        return None
    if kind == "digits":
        if not isinstance(value, str) or not set(value) <= DTMF:
            return "must be DTMF digits (0-9, * and #)"
        return None
    if kind == "regex":
        if not isinstance(value, str):
            return "must be a regular expression"
        try:
            re.compile(value)
        except (re.error, RecursionError, OverflowError) as exc:
            return f"is not a valid regular expression ({exc})"
        return None
    if kind == "choice":
        if value not in param.choices:
            return f"must be one of {', '.join(param.choices)}"
        return None
    return None  # "json" and kinds unknown to the validator: the action's check() judges them


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return math.isfinite(value)
    if isinstance(value, str):
        try:
            return math.isfinite(float(value))
        except ValueError:
            return False
    return False


def _check_reference(node: Node, action: Action, param: Param, value: Any, env: ValidationEnv) -> list[Problem]:
    name = param.name
    kind = param.kind
    if kind == "field" and value not in env.field_types:
        hint = closest(value, env.field_types, what="call profile field")
        return [_error("scripts.E011", node, name, f"No call profile field '{value}'; {hint}.")]
    if kind == "connection" and value not in env.connections:
        hint = closest(value, env.connections, what="Database Connection")
        return [_error("scripts.E012", node, name, f"No Database Connection '{value}'; {hint}.")]
    if kind == "service" and value not in env.services:
        hint = closest(value, env.services, what="service")
        return [_error("scripts.E014", node, name, f"No service '{value}'; {hint}.")]
    if kind == "script" and value not in env.scripts:
        hint = _or(suggest(value, env.scripts))
        return [_error("scripts.E015", node, name, f"No published script '{value}'; publish it first{hint}.")]
    if kind in ("prompt", "prompts") and env.prompts is not None:
        return _check_prompts(node, name, [value] if isinstance(value, str) else list(value), env.prompts)
    if kind == "sql":
        return _check_sql(node, action, name, value, env)
    return []


def _check_prompts(node: Node, param: str | None, values: list[str], prompts: Collection[str]) -> list[Problem]:
    return [
        _error(
            "scripts.E018",
            node,
            param,
            f"No prompt '{value}'; upload it{_or(suggest(value, prompts))}.",
        )
        for value in values
        if value not in prompts
    ]


def check_apology(apology: str | None, env: ValidationEnv) -> list[Problem]:
    if apology is None or env.prompts is None or apology in env.prompts:
        return []
    hint = _or(suggest(apology, env.prompts))
    return [Problem("scripts.E018", f"No apology prompt '{apology}'; upload it{hint}.", None, "apology_prompt")]


def _or(hint: str) -> str:
    return f" or {hint}" if hint else ""


def _check_sql(node: Node, action: Action, name: str, statement: str, env: ValidationEnv) -> list[Problem]:
    if env.check_sql is None:
        return []
    connection = node.params.get("connection")
    database_type = env.connections.get(connection, "") if isinstance(connection, str) else ""
    # a node's own "select_only" parameter (SQLExecute), or an action declaring `select_only = True`
    select_only = node.params.get("select_only") is True or getattr(action, "select_only", False) is True
    try:
        issues = env.check_sql(statement, database_type, select_only)
    except Exception as exc:  # a checker that breaks must not break validation
        return [_error("scripts.E013", node, name, f"The SQL statement could not be checked ({exc}); simplify it.")]
    return [
        Problem(
            "scripts.E013",
            f"Invalid SQL statement: {str(issue).rstrip('.')}; correct the statement.",
            node.id,
            name,
            line=issue.line,
            column=issue.column,
        )
        for issue in issues
    ]


def _error(error_id: str, node: Node, param: str | None, message: str) -> Problem:
    return Problem(error_id, message, node.id, param)
