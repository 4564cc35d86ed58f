"""Profile values read by their field's data type: comparisons (Decision) and arithmetic (Change Profile).

Profile values are text. A number or currency field is compared as a Decimal ("$1,250.50" reads as
1250.50; "1.0" equals "1"), a date as a date (YYYY-MM-DD, also MM/DD/YYYY and YYYYMMDD), a time as a
time (HH:MM or HH:MM:SS); text and phone fields as text, case-sensitively.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Any

TYPED = ("number", "currency", "date", "time")

#: operator as written -> canonical name
OPERATORS = {
    "=": "=",
    "==": "=",
    "≠": "!=",
    "!=": "!=",
    "<>": "!=",
    "<": "<",
    ">": ">",
    "≤": "<=",
    "<=": "<=",
    "≥": ">=",
    ">=": ">=",
    "contains": "contains",
    "starts_with": "starts_with",
    "matches": "matches",
    "is_empty": "is_empty",
    "in_list": "in_list",
}
#: operators that take no value
UNARY = {"is_empty"}

_CURRENCY_NOISE = re.compile(r"[\s,$€£¥₪₽]")
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d")
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H:%M:%S.%f")

Typed = Decimal | date | time | str


def parse(value: str, data_type: str) -> Typed | None:
    """`value` as its type's Python value; None when it cannot be read as one. Text types: the text."""
    text = value.strip()
    if data_type in ("number", "currency"):
        return parse_decimal(text)
    if data_type == "date":
        text = text.split(" ")[0].split("T")[0]  # a timestamp's date part
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        return None
    if data_type == "time":
        for fmt in _TIME_FORMATS:
            try:
                return datetime.strptime(text, fmt).time()
            except ValueError:
                continue
        return None
    return value


def parse_decimal(text: str) -> Decimal | None:
    cleaned = _CURRENCY_NOISE.sub("", text)
    if cleaned.startswith("(") and cleaned.endswith(")"):  # accounting negative: (12.50)
        cleaned = "-" + cleaned[1:-1]
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def list_items(value: Any) -> list[str]:
    """An in_list value: a JSON list, or a comma-separated string."""
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value]
    return [item.strip() for item in str(value).split(",")]


def compare(left: str, op: str, right: Any, data_type: str) -> bool:
    """`left op right` for a field of `data_type`; `op` canonical (see OPERATORS).

    = and != fall back to comparing the trimmed text when a side cannot be read as the type; the ordering
    operators are then false (an empty Balance is neither below nor above 100).
    """
    if op == "is_empty":
        return left.strip() == ""
    if op == "contains":
        return str(right) in left
    if op == "starts_with":
        return left.startswith(str(right))
    if op == "matches":
        return re.fullmatch(str(right), left) is not None
    if op == "in_list":
        return any(_equal(left, item, data_type) for item in list_items(right))
    if op == "=":
        return _equal(left, str(right), data_type)
    if op == "!=":
        return not _equal(left, str(right), data_type)
    a, b = _typed_pair(left, str(right), data_type)
    if a is None or b is None:
        return False
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">=":
        return a >= b  # type: ignore[operator]
    raise ValueError(f"unknown operator {op!r}")


def _typed_pair(left: str, right: str, data_type: str) -> tuple[Typed | None, Typed | None]:
    if data_type in TYPED:
        return parse(left, data_type), parse(right, data_type)
    return left, right


def _equal(left: str, right: str, data_type: str) -> bool:
    a, b = _typed_pair(left, right, data_type)
    if a is None or b is None:
        return left.strip() == right.strip()
    return a == b


# -- arithmetic -------------------------------------------------------------------------------------------


class ExpressionError(ValueError):
    """An arithmetic expression that cannot be read or computed; the message says why."""


_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|%([^%]+)%|([-+*/()]))")

Expr = Decimal | str | tuple[Any, ...]  # number | field name | (op, operand...)


def parse_expression(text: str) -> Expr:
    """The tree of `text` (numbers, %Field% references, + - * /, parentheses); ExpressionError if unreadable."""
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if not match:
            raise ExpressionError(f"cannot read {stripped[position:]!r} (use numbers, %Field%, + - * / and brackets)")
        number, name, symbol = match.groups()
        tokens.append(("num", number) if number else ("field", name) if name is not None else ("op", symbol))
        position = match.end()
    if not tokens:
        raise ExpressionError("the expression is empty")
    parser = _Parser(tokens)
    tree = parser.expression()
    if parser.index < len(tokens):
        raise ExpressionError(f"unexpected {tokens[parser.index][1]!r}")
    return tree


def expression_fields(tree: Expr) -> list[str]:
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, tuple):
        return [name for part in tree[1:] for name in expression_fields(part)]
    return []


def evaluate(tree: Expr, value_of: Callable[[str], str]) -> Decimal:
    """Compute `tree`; a field's value must read as a number ("" counts as 0)."""
    if isinstance(tree, Decimal):
        return tree
    if isinstance(tree, str):
        raw = value_of(tree)
        if raw.strip() == "":
            return Decimal(0)
        number = parse_decimal(raw)
        if number is None:
            raise ExpressionError(f"%{tree}% is {raw!r}, which is not a number")
        return number
    op, *operands = tree
    values = [evaluate(operand, value_of) for operand in operands]
    try:
        if op == "neg":
            return -values[0]
        if op == "+":
            return values[0] + values[1]
        if op == "-":
            return values[0] - values[1]
        if op == "*":
            return values[0] * values[1]
        if values[1] == 0:
            raise ExpressionError("division by zero")
        return values[0] / values[1]
    except (InvalidOperation, DivisionByZero) as exc:  # overflow of a huge value
        raise ExpressionError(f"cannot compute: {exc}") from None


def format_number(value: Decimal, data_type: str) -> str:
    """A computed value as profile text: currency with 2 decimals, other numbers without trailing zeros."""
    if data_type == "currency":
        return format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def expression(self) -> Expr:
        tree = self.term()
        while (token := self._peek()) in (("op", "+"), ("op", "-")):
            self.index += 1
            tree = (token[1], tree, self.term())
        return tree

    def term(self) -> Expr:
        tree = self.factor()
        while (token := self._peek()) in (("op", "*"), ("op", "/")):
            self.index += 1
            tree = (token[1], tree, self.factor())
        return tree

    def factor(self) -> Expr:
        token = self._peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        self.index += 1
        kind, text = token
        if kind == "num":
            return Decimal(text)
        if kind == "field":
            return text
        if text == "-":
            return ("neg", self.factor())
        if text == "+":
            return self.factor()
        if text == "(":
            tree = self.expression()
            if self._peek() != ("op", ")"):
                raise ExpressionError("a '(' is not closed")
            self.index += 1
            return tree
        raise ExpressionError(f"unexpected {text!r}")
