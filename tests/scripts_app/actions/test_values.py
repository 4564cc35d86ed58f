"""Typed values and arithmetic shared by Decision and Change Profile."""

from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scripts_app.actions import _values


@pytest.mark.parametrize(
    ("text", "data_type", "expected"),
    [
        ("1,234.50", "currency", Decimal("1234.50")),
        ("(12.50)", "currency", Decimal("-12.50")),
        ("€ 3", "currency", Decimal(3)),
        ("nan", "number", None),
        ("abc", "number", None),
        ("2026-12-31", "date", date(2026, 12, 31)),
        ("2026-12-31 08:00:00", "date", date(2026, 12, 31)),
        ("12/31/2026", "date", date(2026, 12, 31)),
        ("20261231", "date", date(2026, 12, 31)),
        ("31.12.2026", "date", None),
        ("08:30", "time", time(8, 30)),
        ("08:30:15.5", "time", time(8, 30, 15, 500000)),
        ("8h30", "time", None),
        (" Text ", "text", " Text "),
    ],
)
def test_parse(text, data_type, expected):
    assert _values.parse(text, data_type) == expected


def test_unknown_operator_is_an_error():
    with pytest.raises(ValueError):
        _values.compare("1", "~", "1", "number")


@pytest.mark.parametrize(
    ("value", "data_type", "text"),
    [
        (Decimal("3.000"), "number", "3"),
        (Decimal("2.50"), "number", "2.5"),
        (Decimal("1E+3"), "number", "1000"),
        (Decimal("2.005"), "currency", "2.01"),
        (Decimal("-0.1"), "text", "-0.1"),
    ],
)
def test_format_number(value, data_type, text):
    assert _values.format_number(value, data_type) == text


def test_expression_fields_and_precedence():
    tree = _values.parse_expression("%A% + %B% * 2 - -1")
    assert _values.expression_fields(tree) == ["A", "B"]
    assert _values.evaluate(tree, {"A": "1", "B": "3"}.__getitem__) == Decimal(8)


@given(st.text(max_size=40))
def test_parse_expression_either_reads_or_says_why(text):
    try:
        tree = _values.parse_expression(text)
    except _values.ExpressionError:
        return
    try:
        _values.evaluate(tree, lambda name: "2")
    except _values.ExpressionError:
        pass


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
)
def test_numeric_comparison_agrees_with_decimal(a, b):
    left, right = format(a, "f"), format(b, "f")
    assert _values.compare(left, "<", right, "number") == (a < b)
    assert _values.compare(left, "=", right, "currency") == (a == b)
