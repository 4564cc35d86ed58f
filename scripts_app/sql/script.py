"""The guide's "Scripts" (DECLARE @v int / SET @v = 5 / SELECT @w = col FROM t WHERE c = @v), run by ccweb.

Databases without T-SQL cannot run such a script, so ccweb holds the variables itself and runs each
statement on the database with every `@variable` and `%Field%` bound as a `?` parameter: the same script
works everywhere, and no variable or profile value ever becomes SQL text. Pure: the runner gets a callable.
Reading scripts into plans is in `script_parse`; its names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scripts_app.sql.script_parse import (
    Assign,
    Declare,
    Execute,
    Expression,
    FieldValue,
    Literal,
    Query,
    ScriptPlan,
    SelectInto,
    Step,
    Variable,
    VariableValue,
    check_script,
    is_script,
)
from scripts_app.sql.template import convert_value, token_issues, validation_error, value_issue
from scripts_app.sql.types import BoundStatement, RawResult

__all__ = [
    "Assign",
    "Declare",
    "Execute",
    "Expression",
    "FieldValue",
    "Literal",
    "Query",
    "ScriptOutcome",
    "ScriptPlan",
    "SelectInto",
    "Step",
    "Variable",
    "VariableValue",
    "check_script",
    "is_script",
    "parse_script",
    "run_script",
]


@dataclass
class ScriptOutcome:
    variables: dict[str, str]  # declared name (without `@`) -> value, "" for NULL
    columns: list[str]  # of the last plain query, if any
    rows: list[list[str]]
    rowcount: int  # total over the statements run on the database
    is_query: bool  # columns/rows come from a query
    profile_updates: dict[str, str] = field(default_factory=dict)
    statements: list[BoundStatement] = field(default_factory=list)


def parse_script(statement: str, field_types: Mapping[str, str], *, backslash_escapes: bool = False) -> ScriptPlan:
    """The steps of a script; raises SqlError(kind=VALIDATION) listing every problem (sql.E003/E006–E009)."""
    plan, issues = check_script(statement, field_types, backslash_escapes=backslash_escapes)
    issues = token_issues(statement, field_types, backslash_escapes=backslash_escapes) + issues
    issues.sort(key=lambda issue: (issue.line or 0, issue.column or 0))
    if issues:
        raise validation_error(issues)
    return plan


def run_script(
    plan: ScriptPlan,
    profile: Mapping[str, str],
    run: Callable[[BoundStatement], RawResult],
    *,
    field_types: Mapping[str, str],
) -> ScriptOutcome:
    """Run the plan's statements through `run`, holding the variables in ccweb; SqlError from `run` propagates.

    A SELECT that sets variables takes the first row (no row sets them to NULL). Variables assigned by the
    script that mirror a profile field are returned in `profile_updates`.
    """
    values: dict[str, str | None] = {}
    assigned: set[str] = set()
    outcome = ScriptOutcome({}, [], [], 0, False)

    def bound(query: Query) -> BoundStatement:
        params: list[Any] = []
        for ref in query.refs:
            raw: str | None
            if isinstance(ref, FieldValue):
                raw, data_type = profile.get(ref.name, ""), field_types.get(ref.name, "text")
                label = f"Call profile field '{ref.name}'"
            else:
                variable = plan.variables[ref.key]
                raw, data_type, label = values.get(ref.key), variable.data_type, f"Variable @{variable.name}"
            try:
                params.append(None if raw is None else convert_value(raw, data_type))
            except ValueError as exc:
                raise validation_error([value_issue(label, raw, str(exc))]) from None
        statement = BoundStatement(query.sql, tuple(params), tuple(_source(ref, plan) for ref in query.refs))
        outcome.statements.append(statement)
        return statement

    for step in plan.steps:
        if isinstance(step, Declare):
            mirrored = plan.variables[step.key].field
            values[step.key] = profile.get(mirrored, "") if mirrored else None
        elif isinstance(step, Assign):
            values[step.key] = _evaluate(step.value, profile, values, lambda q: run(bound(q)))
            assigned.add(step.key)
        elif isinstance(step, SelectInto):
            result = run(bound(step.query))
            outcome.rowcount += result.rowcount
            row = result.rows[0] if result.rows else []
            for index, key in enumerate(step.keys):
                values[key] = row[index] if index < len(row) else None
                assigned.add(key)
        else:
            result = run(bound(step.query))
            outcome.rowcount += result.rowcount
            if result.is_query:
                outcome.columns, outcome.rows, outcome.is_query = result.columns, result.rows, True
    for key, variable in plan.variables.items():
        outcome.variables[variable.name] = values.get(key) or ""
        if variable.field and key in assigned:
            outcome.profile_updates[variable.field] = values.get(key) or ""
    return outcome


def _evaluate(
    value: Expression,
    profile: Mapping[str, str],
    values: Mapping[str, str | None],
    run: Callable[[Query], RawResult],
) -> str | None:
    if isinstance(value, Literal):
        return value.value
    if isinstance(value, FieldValue):
        return profile.get(value.name, "")
    if isinstance(value, VariableValue):
        return values.get(value.key)
    result = run(value)
    return result.rows[0][0] if result.rows and result.rows[0] else None


def _source(ref: FieldValue | VariableValue, plan: ScriptPlan) -> str:
    return ref.name if isinstance(ref, FieldValue) else f"@{plan.variables[ref.key].name}"
