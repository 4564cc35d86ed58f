"""Decision: branch on call profile fields, compared by their data type."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.actions import _values
from scripts_app.actions._common import (
    E_CASE_NAME,
    E_OPERATOR,
    E_REGEX,
    E_SHAPE,
    E_UNKNOWN_FIELD,
    E_VALUE_TYPE,
    ActionFailed,
    error,
    interpolate,
    references,
    unknown_references,
)
from scripts_app.engine.actions import FAILURE, Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node

COMBINE = {"all": all, "any": any}
DEFAULT = "default"
RESERVED_CASE_NAMES = {DEFAULT, FAILURE}


@register
class Decision(Action):
    name = "decision"
    title = "Decision"
    doc = (
        "Tests conditions on call profile fields. A condition is {'field', 'op', 'value'}; operators: "
        "= , ≠ (or !=), <, >, ≤ (or <=), ≥ (or >=), contains, starts_with, matches (the whole value "
        "matches a regular expression), is_empty (no value), in_list (value: a list, or text separated "
        "by commas). Number and currency fields compare as numbers, date and time fields as dates and "
        "times, text (and phone) fields as case-sensitive text; a value may refer to other fields as "
        "%Field%. When a side is not a valid number/date/time, = and ≠ compare the text and the "
        "ordering operators are false. 'combine' is 'all' (AND, the default) or 'any' (OR). "
        "Two forms: 'conditions' with exits true/false, or 'cases', a list of {'name', 'conditions', "
        "'combine'} tried in order, whose names are the exits, plus 'default' when none holds."
    )
    params = (
        Param(
            "conditions",
            "json",
            doc='The conditions, e.g. [{"field": "Customer Type", "op": "=", "value": "STOCKS"}].',
        ),
        Param("combine", "choice", default="all", choices=("all", "any"), doc="all (AND) or any (OR)."),
        Param(
            "cases",
            "json",
            doc='Instead of conditions: [{"name": "gold", "conditions": [...], "combine": "all"}, ...]; '
            "each name is an exit, tried in order, then 'default'.",
        ),
    )
    fixed_exits = ("true", "false")

    def exits(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        cases = params.get("cases")
        if cases is None:
            return self.fixed_exits
        names = [c.get("name") for c in cases if isinstance(c, Mapping)] if isinstance(cases, list) else []
        return (*dict.fromkeys(n for n in names if isinstance(n, str) and n and n not in RESERVED_CASE_NAMES), DEFAULT)

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        params = node.params
        has_conditions, has_cases = "conditions" in params, "cases" in params
        if has_conditions == has_cases:
            return [
                error(
                    E_SHAPE,
                    node,
                    "Decision needs either 'conditions' (exits true/false) or 'cases' (one exit per case), "
                    "not both and not neither.",
                    "conditions",
                )
            ]
        if has_conditions:
            return _check_combine(node, params.get("combine", "all"), "combine") + _check_conditions(
                node, params["conditions"], env, "conditions"
            )
        cases = params["cases"]
        if not isinstance(cases, list) or not cases:
            return [error(E_SHAPE, node, "'cases' must be a non-empty list of {name, conditions, combine}.", "cases")]
        errors: list[Problem] = []
        seen: set[str] = set()
        for index, case in enumerate(cases):
            where = f"cases[{index}]"
            if not isinstance(case, Mapping) or set(case) - {"name", "conditions", "combine"}:
                errors.append(error(E_SHAPE, node, f"{where} must be an object with name, conditions, combine.", where))
                continue
            name = case.get("name")
            if not isinstance(name, str) or not name.strip():
                errors.append(error(E_CASE_NAME, node, f"{where} needs a name: it is the exit's name.", where))
            elif name in RESERVED_CASE_NAMES:
                errors.append(error(E_CASE_NAME, node, f"{where} cannot be named '{name}': choose another.", where))
            elif name in seen:
                errors.append(error(E_CASE_NAME, node, f"Two cases are named '{name}'; rename one.", where))
            else:
                seen.add(name)
            errors += _check_combine(node, case.get("combine", "all"), f"{where}.combine")
            errors += _check_conditions(node, case.get("conditions"), env, f"{where}.conditions")
        return errors

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        if "cases" in params:
            for case in _as_list(params["cases"], "cases"):
                if not isinstance(case, Mapping):
                    raise ActionFailed("Each Decision case must be an object with name and conditions.")
                if holds(call, case.get("conditions"), case.get("combine", "all")):
                    name = case.get("name")
                    if not isinstance(name, str) or not name:
                        raise ActionFailed("A Decision case that holds has no name to take as its exit.")
                    return name
            return DEFAULT
        return "true" if holds(call, params.get("conditions"), params.get("combine", "all")) else "false"


def holds(call: CallContext, conditions: Any, combine: Any) -> bool:
    """Whether `conditions` hold on the call's profile, combined by `combine` ("all" or "any")."""
    if not isinstance(combine, str) or combine not in COMBINE:
        raise ActionFailed(f"'combine' must be 'all' or 'any', not {combine!r}.")
    return COMBINE[combine](_condition(call, c) for c in _as_list(conditions, "conditions"))


def _condition(call: CallContext, condition: Any) -> bool:
    if not isinstance(condition, Mapping) or not isinstance(condition.get("field"), str):
        raise ActionFailed(f"A Decision condition must be {{field, op, value}}, not {condition!r}.")
    raw_op = condition.get("op")
    op = _values.OPERATORS.get(raw_op) if isinstance(raw_op, str) else None
    if op is None:
        raise ActionFailed(f"Unknown Decision operator {raw_op!r}.")
    field = condition["field"]
    value: Any = condition.get("value", "")
    if op == "in_list" and isinstance(value, list):
        value = [interpolate(_text(item), call.profile, call.field_types) for item in value]
    else:
        value = interpolate(_text(value), call.profile, call.field_types)
    left = call.profile.get(field, "")
    try:
        return _values.compare(left, op, value, call.field_types.get(field, "text"))
    except re.error as exc:
        raise ActionFailed(f"The pattern {value!r} is not a valid regular expression: {exc}.") from None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def _as_list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise ActionFailed(f"Decision '{name}' must be a list.")
    return value


def _check_combine(node: Node, combine: Any, where: str) -> list[Problem]:
    if isinstance(combine, str) and combine in COMBINE:
        return []
    return [error(E_SHAPE, node, f"'{where}' must be 'all' (AND) or 'any' (OR).", where)]


def _check_conditions(node: Node, conditions: Any, env: ValidationEnv, where: str) -> list[Problem]:
    if not isinstance(conditions, list) or not conditions:
        return [
            error(
                E_SHAPE,
                node,
                f"'{where}' must be a non-empty list of conditions such as "
                '{"field": "Customer Type", "op": "=", "value": "STOCKS"}.',
                where,
            )
        ]
    errors: list[Problem] = []
    for index, condition in enumerate(conditions):
        errors += _check_condition(node, condition, env, f"{where}[{index}]")
    return errors


def _check_condition(node: Node, condition: Any, env: ValidationEnv, where: str) -> list[Problem]:
    if (
        not isinstance(condition, Mapping)
        or set(condition) - {"field", "op", "value"}
        or not isinstance(condition.get("field"), str)
    ):
        return [error(E_SHAPE, node, f"{where} must be an object {{field, op, value}}.", where)]
    field, raw_op, value = condition["field"], condition.get("op"), condition.get("value")
    errors: list[Problem] = []
    data_type = env.field_types.get(field)
    if data_type is None:
        errors.append(
            error(
                E_UNKNOWN_FIELD,
                node,
                f"{where} tests '{field}', which is not a call profile field. Fix the name (it is "
                "case-sensitive) or add the field under Call Profiles.",
                where,
            )
        )
    op = _values.OPERATORS.get(raw_op) if isinstance(raw_op, str) else None
    if op is None:
        known = ", ".join(dict.fromkeys(_values.OPERATORS))
        return [*errors, error(E_OPERATOR, node, f"{where} has operator {raw_op!r}; use one of {known}.", where)]
    if op in _values.UNARY:
        return errors
    if value is None or (op == "in_list" and not isinstance(value, str | list)) or isinstance(value, Mapping):
        return [*errors, error(E_SHAPE, node, f"{where} needs a 'value' to compare with.", where)]
    for item in value if isinstance(value, list) else [value]:
        errors += unknown_references(node, where, item, env.field_types)
    if op == "matches":
        try:
            re.compile(str(value))
        except re.error as exc:
            errors.append(error(E_REGEX, node, f"{where}: the pattern {value!r} is not valid ({exc}).", where))
    elif data_type in _values.TYPED and op not in ("contains", "starts_with"):
        items = _values.list_items(value) if op == "in_list" else [_text(value)]
        for item in items:
            if not references(item) and _values.parse(item, data_type) is None:
                errors.append(
                    error(
                        E_VALUE_TYPE,
                        node,
                        f"{where} compares the {data_type} field '{field}' with {item!r}, which is not a "
                        f"{data_type}{_EXAMPLES.get(data_type, '')}.",
                        where,
                    )
                )
    return errors


_EXAMPLES = {
    "number": " (e.g. 10 or 2.5)",
    "currency": " (e.g. 100.00)",
    "date": " (e.g. 2026-12-31)",
    "time": " (e.g. 17:30)",
}
