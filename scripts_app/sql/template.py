"""`%Field Name%` tokens in SQL text -> `?` markers with the call profile values bound as parameters. Pure.

The SQL text of a BoundStatement depends only on the statement, never on profile values: a caller's ANI
or name can only ever reach the database as a parameter (unlike func_odbc, CVE-2022-26651).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.problems import Problem
from scripts_app.sql.lexer import Kind, line_col, position_of, segments, string_value
from scripts_app.sql.types import BoundStatement, SqlError, SqlErrorKind

# Outside strings `%` is also the modulo operator, so `%…%` is only taken for a field when its name is
# a known field or reads like one (words separated by single spaces, starting with a letter).
_NAME_LIKE = re.compile(r"[^\W\d]\w*(?: \w+)*\Z")
_OPERAND_END = re.compile(r"[\w)\]\"`]")


@dataclass(frozen=True)
class Token:
    """One `%Name%` that binds. `in_literal`: written as a string ('%ANI%'); start/end then cover the quotes."""

    name: str
    start: int
    end: int
    line: int
    column: int
    in_literal: bool = False


@dataclass(frozen=True)
class _Scan:
    tokens: list[Token]
    unclosed: list[tuple[int, str]]  # (offset of the `%`, the field name that follows it)
    markers: list[int]  # offsets of `?` written in code


def tokens(statement: str, field_names: Collection[str] = (), *, backslash_escapes: bool = False) -> list[Token]:
    """Every `%Name%` that binds, in order, whether or not the name is a field (check `name in field_names`).

    Outside strings and comments a token binds if its name is in `field_names` or reads like a field name.
    A string binds only if it is exactly one known field ('%ANI%'); `%…%` inside a longer string
    (LIKE '%abc%', '%ANI% suffix'), in a comment or in a quoted identifier is never a token.
    """
    return _scan(statement, field_names, backslash_escapes).tokens


def token_issues(statement: str, field_names: Collection[str], *, backslash_escapes: bool = False) -> list[Problem]:
    """sql.E003 unknown field, sql.E006 unclosed `%Field`, sql.E007 a `?` written in the statement."""
    scan = _scan(statement, field_names, backslash_escapes)
    return _issues(statement, scan, field_names)


def bind(
    statement: str,
    profile: Mapping[str, str],
    field_types: Mapping[str, str],
    *,
    backslash_escapes: bool = False,
) -> BoundStatement:
    """Replace each token by `?` and bind the field's current value, converted to the field's data type.

    `field_types` maps every valid field name to its data type; a field missing from `profile` is empty.
    Raises SqlError(kind=VALIDATION) with sql.E003/E006/E007 issues for a bad statement and sql.E010 for a
    value that does not convert.
    """
    scan = _scan(statement, field_types, backslash_escapes)
    issues = _issues(statement, scan, field_types)
    if issues:
        raise validation_error(issues)
    parts: list[str] = []
    params: list[Any] = []
    position = 0
    for token in scan.tokens:
        parts += [statement[position : token.start], "?"]
        position = token.end
        try:
            params.append(convert_value(profile.get(token.name, ""), field_types[token.name]))
        except ValueError as exc:
            issues.append(value_issue(f"Call profile field '{token.name}'", profile.get(token.name, ""), str(exc)))
    if issues:
        raise validation_error(issues)
    parts.append(statement[position:])
    return BoundStatement("".join(parts), tuple(params), tuple(t.name for t in scan.tokens))


def _scan(statement: str, field_names: Collection[str], backslash_escapes: bool) -> _Scan:
    known = field_names if isinstance(field_names, (set, frozenset, Mapping)) else frozenset(field_names)
    found: list[tuple[str, int, int, bool]] = []
    unclosed: list[tuple[int, str]] = []
    markers: list[int] = []
    for seg in segments(statement, backslash_escapes=backslash_escapes):
        if seg.kind is Kind.STRING and seg.closed:
            value = string_value(statement, seg)
            if len(value) > 2 and value[0] == value[-1] == "%" and value[1:-1] in known:
                found.append((value[1:-1], seg.start, seg.end, True))
        elif seg.kind is Kind.CODE:
            _scan_code(statement, seg.start, seg.end, known, found, unclosed)
            markers += [k for k in range(seg.start, seg.end) if statement[k] == "?"]
    toks = [Token(name, start, end, *line_col(statement, start), quoted) for name, start, end, quoted in found]
    return _Scan(toks, unclosed, markers)


def _scan_code(
    text: str,
    start: int,
    end: int,
    known: Collection[str],
    found: list[tuple[str, int, int, bool]],
    unclosed: list[tuple[int, str]],
) -> None:
    i = text.find("%", start, end)
    while i >= 0:
        line_end = text.find("\n", i, end)
        close = text.find("%", i + 1, end if line_end < 0 else line_end)  # names never span lines
        if close == i + 1:  # `%%` is not a token
            i = text.find("%", close + 1, end)
            continue
        name = text[i + 1 : close] if close > 0 else ""
        tight = i > 0 and _OPERAND_END.match(text[i - 1]) is not None  # `a%b`: modulo, unless a known field
        if close > 0 and (name in known or (_NAME_LIKE.match(name) and not tight)):
            found.append((name, i, close + 1, False))
            i = text.find("%", close + 1, end)
            continue
        rest = text[i + 1 : end if line_end < 0 else line_end]
        field = _field_prefix(rest, known)
        if field and not rest.startswith("%", len(field)):  # `%Customer ID AND …`: the closing `%` is missing
            unclosed.append((i, field))
        i = text.find("%", i + 1, end)


def _field_prefix(rest: str, known: Collection[str]) -> str:
    """The longest known field name that `rest` starts with as a whole word (any case), or ""."""
    lowered = rest.lower()
    best = ""
    for name in known:
        after = rest[len(name) : len(name) + 1]
        if len(name) > len(best) and lowered.startswith(name.lower()) and not (after.isalnum() or after == "_"):
            best = name
    return best


def _issues(statement: str, scan: _Scan, field_names: Collection[str]) -> list[Problem]:
    issues: list[Problem] = []
    for token in scan.tokens:
        if token.name not in field_names:
            issues.append(unknown_field_issue(token.name, field_names, token.line, token.column))
    for offset, field in scan.unclosed:
        issues.append(
            Problem(
                "sql.E006",
                f"Unclosed %…% token: '%{field}' has no closing '%'. Write %{field}% to use the call profile field.",
                **position_of(statement, offset),
            )
        )
    for offset in scan.markers:
        issues.append(
            Problem(
                "sql.E007",
                "A '?' marker is written in the statement; ccweb binds values only from call profile fields. "
                "Write the value itself or a %Field Name% token instead of '?'.",
                **position_of(statement, offset),
            )
        )
    return sorted(issues, key=lambda issue: (issue.line or 0, issue.column or 0))


def unknown_field_issue(name: str, field_names: Collection[str], line: int, column: int) -> Problem:
    """sql.E003 naming the closest fields (compared ignoring case, as people misremember case)."""
    by_lower: dict[str, str] = {}
    for field_name in field_names:
        by_lower.setdefault(field_name.lower(), field_name)
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)
    if close:
        quoted = " or ".join(f"'{by_lower[c]}'" for c in close)
        hint = f"Did you mean {quoted}? Field names are case-sensitive."
    else:
        hint = "No call profile field has a similar name."
    return Problem(
        "sql.E003",
        f"Unknown call profile field '%{name}%'. {hint} Fix the name, or add the field under "
        "System Parameters > Routing Preferences > Call Profiles.",
        line=line,
        column=column,
    )


def validation_error(issues: list[Problem]) -> SqlError:
    message = " ".join(str(issue) for issue in issues)
    return SqlError(kind=SqlErrorKind.VALIDATION, message=message, issues=list(issues))


# --- values -------------------------------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_CURRENCY = re.compile(r"([+-]?)[$€£¥]?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(\.[0-9]+)?\Z")
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H:%M:%S.%f")
_DESCRIPTIONS = {
    "number": "a number",
    "currency": "an amount (such as 1234.50)",
    "date": "a date (YYYY-MM-DD or MM/DD/YYYY)",
    "time": "a time (HH:MM or HH:MM:SS)",
}


def convert_value(value: str | None, data_type: str) -> Any:
    """A profile text value as the Python value bound for `data_type`; raises ValueError naming the type.

    number -> int, or Decimal if it has a fraction or exponent; currency -> Decimal; date -> date;
    time -> time; text, phone and anything else -> the text as is. Empty is None except for text/phone.
    """
    if data_type not in _DESCRIPTIONS:
        return "" if value is None else value
    text = (value or "").strip()
    if not text:
        return None
    if data_type == "number":
        if _INTEGER.match(text):
            return int(text)
        if _DECIMAL.match(text):
            return Decimal(text)
    elif data_type == "currency":
        match = _CURRENCY.match(text)
        if match and (match.group(2) or match.group(3)):
            return Decimal(match.group(1) + match.group(2).replace(",", "") + (match.group(3) or ""))
    elif data_type == "date":
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                pass
    elif data_type == "time":
        for fmt in _TIME_FORMATS:
            try:
                return datetime.strptime(text, fmt).time()
            except ValueError:
                pass
    raise ValueError(_DESCRIPTIONS[data_type])


def value_issue(what: str, value: str | None, description: str) -> Problem:
    """sql.E010: `what` ("Call profile field 'X'", "Variable @x") holds a value that is not `description`."""
    shown = value or ""
    shown = shown if len(shown) <= 40 else shown[:37] + "..."  # a 10 kB caller value would drown the message
    return Problem(
        "sql.E010",
        f"{what} holds '{shown}', which is not {description}. Store such a value in it, "
        "or change its data type to text.",
    )
