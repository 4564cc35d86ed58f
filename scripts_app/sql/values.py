"""Driver values -> call profile text, the same text whichever database the value came from.

- None -> ""; bool -> "1"/"0"; int -> digits
- Decimal -> plain decimal text, never an exponent, trailing zeros kept (Decimal("15234.50") -> "15234.50",
  Decimal("1E+2") -> "100")
- float -> shortest text that reads back as the same float, without exponent, and without ".0" when
  integral (2.0 -> "2", 2.5 -> "2.5", 1e20 -> "100000000000000000000"); nan/inf -> "nan"/"inf"/"-inf"
- date -> "YYYY-MM-DD"; time -> "HH:MM:SS"; datetime -> "YYYY-MM-DD HH:MM:SS"
  (".ffffff" only when there are microseconds; "+HH:MM" only for an aware value)
- bytes, bytearray, memoryview -> lowercase hex; str as is; anything else -> str(value)

The SQLite driver returns a DECIMAL(p,s) column as text without its scale ("15234.5"); with the
column's declared scale (`scale=`) the value is written with that many decimals, as the other
drivers' Decimal values are. `sqlite_declared_scales` finds those scales for a SELECT.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlglot
from sqlglot import exp

_DECIMAL_TYPE = re.compile(r"^\s*(?:DECIMAL|NUMERIC|DEC)\s*\(\s*\d+\s*,\s*(\d+)\s*\)", re.I)


def to_profile_text(value: Any, *, scale: int | None = None) -> str:
    if value is None:
        return ""
    if scale is not None and not isinstance(value, bool):
        scaled = _with_scale(value, scale)
        if scaled is not None:
            return scaled
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    exact = Decimal(repr(value))
    if exact == exact.to_integral_value():
        return format(exact.quantize(Decimal(1)), "f")
    return format(exact, "f")


def _with_scale(value: Any, scale: int) -> str | None:
    try:
        number = (
            value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else str(value))
        )
        if not number.is_finite():
            return None
        return format(number.quantize(Decimal(1).scaleb(-scale)), "f")
    except (InvalidOperation, ValueError):
        return None


def declared_scale(declared_type: str | None) -> int | None:
    """2 for "DECIMAL(12,2)" or "numeric(10, 2)"; None for any other declared type."""
    match = _DECIMAL_TYPE.match(declared_type or "")
    return int(match.group(1)) if match else None


def sqlite_declared_scales(
    sql: str, column_count: int, table_columns: Callable[[str], Sequence[tuple[str, str]] | None]
) -> list[int | None]:
    """For each result column of a SELECT on SQLite, the scale of its DECIMAL(p,s) declaration, if any.

    Only plain column references of the outermost SELECT are resolved (`col`, `t.col`, `col AS x`,
    `*`, `t.*`); `table_columns(table)` gives (name, declared type) pairs in table order, or None
    when the table is unknown. Anything that cannot be resolved with certainty gets None.
    """
    unknown: list[int | None] = [None] * column_count
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except Exception:  # any parse problem: fall back to the values as the driver gave them
        return unknown
    if not isinstance(tree, exp.Select):
        return unknown
    tables: dict[str, str] = {}  # alias (or name) -> table name, in FROM order
    for table in tree.find_all(exp.Table):
        if table.find_ancestor(exp.Select) is tree and table.name:
            tables[table.alias_or_name.lower()] = table.name
    cache: dict[str, list[tuple[str, str]]] = {}

    def columns_of(alias: str) -> list[tuple[str, str]] | None:
        name = tables.get(alias.lower())
        if name is None:
            return None
        if name not in cache:
            cache[name] = list(table_columns(name) or [])
        return cache[name] or None

    scales: list[int | None] = []
    for expression in tree.expressions:
        inner = expression.this if isinstance(expression, exp.Alias) else expression
        if isinstance(inner, exp.Star) or (isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star)):
            qualifier = inner.table if isinstance(inner, exp.Column) else ""
            for alias in [qualifier] if qualifier else list(tables):
                found = columns_of(alias)
                if found is None:
                    return unknown
                scales.extend(declared_scale(declared) for _, declared in found)
        elif isinstance(inner, exp.Column):
            scales.append(_column_scale(inner.name, inner.table, tables, columns_of))
        else:
            scales.append(None)
    return scales if len(scales) == column_count else unknown


def _column_scale(
    column: str,
    qualifier: str,
    tables: dict[str, str],
    columns_of: Callable[[str], list[tuple[str, str]] | None],
) -> int | None:
    matches = []
    for alias in [qualifier] if qualifier else list(tables):
        for name, declared in columns_of(alias) or []:
            if name.lower() == column.lower():
                matches.append(declared)
    return declared_scale(matches[0]) if len(matches) == 1 else None
