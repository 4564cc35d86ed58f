"""Change Profile: set call profile fields (Service, Priority, Language, user fields…)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.problems import Problem
from scripts_app.actions import _values
from scripts_app.actions._common import (
    E_EXPRESSION,
    E_SHAPE,
    E_UNKNOWN_FIELD,
    E_VALUE_TYPE,
    ActionFailed,
    error,
    interpolate,
    references,
    unknown_references,
)
from scripts_app.engine.actions import Action, Param, ValidationEnv, register
from scripts_app.engine.context import CallContext
from scripts_app.engine.graph import Node
from scripts_app.engine.ports import LANGUAGES

ARITHMETIC = "="
LANGUAGES_TEXT = {str(number) for number in LANGUAGES}


@register
class ChangeProfile(Action):
    name = "change_profile"
    title = "Change Profile"
    doc = (
        "Sets one or more call profile fields, mandatory ones included (Priority, Service, ANI, Language, "
        "…), in order, so a later assignment sees an earlier one. Each assignment is {'field', 'value'}. "
        "The value is text in which %Field% is replaced by that field's value: a literal ('Stocks'), "
        "another field ('%ANI%') or a concatenation ('%Customer Name% (%Customer Type%)'). A value that "
        "starts with '=' is arithmetic on numbers and %Field% values with + - * / and brackets "
        "('=%Priority% + 2', '=%Balance% * 1.05'); an empty field counts as 0, the result is written "
        "with 2 decimals for a currency field and without trailing zeros otherwise. An arithmetic error "
        "(a field that is not a number, division by zero) takes the failure exit with nothing changed. "
        "Exit: next."
    )
    params = (
        Param(
            "assignments",
            "json",
            required=True,
            doc='The fields to set, e.g. [{"field": "Service", "value": "Stocks"}, '
            '{"field": "Priority", "value": "=%Priority% + 1"}].',
        ),
    )
    fixed_exits = ("next",)

    def check(self, node: Node, env: ValidationEnv) -> list[Problem]:
        assignments = node.params.get("assignments")
        if assignments is None:
            return []  # required: the generic checks say so
        if not isinstance(assignments, list) or not assignments:
            return [
                error(
                    E_SHAPE,
                    node,
                    '\'assignments\' must be a non-empty list such as [{"field": "Service", "value": "Stocks"}].',
                    "assignments",
                )
            ]
        errors: list[Problem] = []
        for index, assignment in enumerate(assignments):
            errors += _check_assignment(node, assignment, env.field_types, f"assignments[{index}]")
        return errors

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        assignments = self.param(params, "assignments")
        if not isinstance(assignments, list):
            raise ActionFailed("'assignments' must be a list of {field, value}.")
        profile = dict(call.profile)  # all or nothing: an error leaves the profile as it was
        for assignment in assignments:
            if not isinstance(assignment, Mapping) or not isinstance(assignment.get("field"), str):
                raise ActionFailed(f"An assignment must be {{field, value}}, not {assignment!r}.")
            field = assignment["field"]
            profile[field] = _value(assignment.get("value", ""), profile, call.field_types, field)
        call.profile.update(profile)
        return "next"


def _value(raw: Any, profile: Mapping[str, str], types: Mapping[str, str], field: str) -> str:
    text = _text(raw)
    if not text.startswith(ARITHMETIC):
        return interpolate(text, profile, types)
    try:
        tree = _values.parse_expression(text[1:])
        result = _values.evaluate(tree, lambda name: profile.get(name, ""))
    except _values.ExpressionError as exc:
        raise ActionFailed(f"'{field}' = {text[1:].strip()}: {exc}.") from None
    return _values.format_number(result, types.get(field, "number"))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def _check_assignment(node: Node, assignment: Any, fields: Mapping[str, str], where: str) -> list[Problem]:
    if (
        not isinstance(assignment, Mapping)
        or set(assignment) - {"field", "value"}
        or not isinstance(assignment.get("field"), str)
        or isinstance(assignment.get("value"), list | dict)
    ):
        return [error(E_SHAPE, node, f"{where} must be an object {{field, value}} with a text value.", where)]
    field = assignment["field"]
    text = _text(assignment.get("value", ""))
    errors: list[Problem] = []
    data_type = fields.get(field)
    if data_type is None:
        errors.append(
            error(
                E_UNKNOWN_FIELD,
                node,
                f"{where} sets '{field}', which is not a call profile field. Fix the name (it is "
                "case-sensitive) or add the field under Call Profiles.",
                where,
            )
        )
    if text.startswith(ARITHMETIC):
        try:
            tree = _values.parse_expression(text[1:])
        except _values.ExpressionError as exc:
            return [
                *errors,
                error(
                    E_EXPRESSION,
                    node,
                    f"{where}: the arithmetic {text[1:].strip()!r} cannot be read ({exc}); write e.g. =%Priority% + 1.",
                    where,
                ),
            ]
        errors += [
            error(
                E_UNKNOWN_FIELD,
                node,
                f"{where} computes with %{name}%, which is not a call profile field. Fix the name (it is "
                "case-sensitive) or add the field under Call Profiles.",
                where,
            )
            for name in dict.fromkeys(_values.expression_fields(tree))
            if name not in fields
        ]
        if data_type is not None and data_type not in ("number", "currency", "text"):
            errors.append(
                error(
                    E_VALUE_TYPE,
                    node,
                    f"{where} computes a number into the {data_type} field '{field}'; set it to text instead.",
                    where,
                )
            )
        return errors
    errors += unknown_references(node, where, text, fields)
    literal = not references(text) and text.strip()
    if literal and data_type in _values.TYPED and _values.parse(text, data_type) is None:
        errors.append(
            error(
                E_VALUE_TYPE,
                node,
                f"{where} sets the {data_type} field '{field}' to {text!r}, not a {data_type}.",
                where,
            )
        )
    elif literal and field == "Language" and text.strip() not in LANGUAGES_TEXT:
        errors.append(
            error(
                E_VALUE_TYPE,
                node,
                f"{where} sets Language to {text!r}; use 0 English, 1 Hebrew, 2 Russian, 3 Arabic or "
                "4 Mexican Spanish.",
                where,
            )
        )
    return errors
