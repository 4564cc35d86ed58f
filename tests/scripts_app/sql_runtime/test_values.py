"""Driver values become the same profile text whichever database they came from."""

import datetime as dt
from decimal import Decimal

import pytest

from scripts_app.sql.values import declared_scale, sqlite_declared_scales, to_profile_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        ("Zoë 😀", "Zoë 😀"),
        (True, "1"),
        (False, "0"),
        (0, "0"),
        (-42, "-42"),
        (2**40, "1099511627776"),
        (Decimal("15234.50"), "15234.50"),
        (Decimal("1E+2"), "100"),
        (Decimal("1.5E-7"), "0.00000015"),
        (Decimal("-0.10"), "-0.10"),
        (2.0, "2"),
        (2.5, "2.5"),
        (-0.0, "0"),
        (0.1, "0.1"),
        (1e20, "100000000000000000000"),
        (1.5e-7, "0.00000015"),
        (float("nan"), "nan"),
        (float("-inf"), "-inf"),
        (dt.date(2024, 1, 2), "2024-01-02"),
        (dt.time(3, 4, 5), "03:04:05"),
        (dt.time(3, 4, 5, 120000), "03:04:05.120000"),
        (dt.datetime(2024, 1, 2, 3, 4, 5), "2024-01-02 03:04:05"),
        (dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "2024-01-02 03:04:05+00:00"),
        (b"\x00\xff", "00ff"),
        (bytearray(b"\x0a"), "0a"),
    ],
)
def test_values_become_text(value, text):
    """Each driver type has one textual form: no exponents, no '.0' on integral floats, ISO dates, hex bytes."""
    assert to_profile_text(value) == text


@pytest.mark.parametrize(
    ("value", "scale", "text"),
    [
        ("15234.5", 2, "15234.50"),  # SQLite's DECIMAL(12,2) comes back as text without its scale
        ("100", 2, "100.00"),
        (1.5, 3, "1.500"),  # NUMERIC(10,3) comes back as a float
        (Decimal("880"), 2, "880.00"),
        ("abc", 2, "abc"),  # not a number: left as it is
        (None, 2, ""),
        (True, 2, "1"),
    ],
)
def test_declared_scale_pads_decimals_like_the_other_drivers(value, scale, text):
    assert to_profile_text(value, scale=scale) == text


def test_declared_scale_reads_decimal_and_numeric_declarations():
    assert [declared_scale(t) for t in ("DECIMAL(12,2)", "numeric( 10 , 3 )", "DECIMAL", "REAL", None)] == [
        2,
        3,
        None,
        None,
        None,
    ]


def _tables(name):
    return {
        "customers": [("id", "INTEGER"), ("Balance", "DECIMAL(12,2)"), ("rate", "NUMERIC(10,3)"), ("name", "TEXT")],
        "orders": [("id", "INTEGER"), ("amount", "DECIMAL(9,4)")],
    }.get(name)


@pytest.mark.parametrize(
    ("sql", "count", "scales"),
    [
        ("SELECT balance, name FROM customers", 2, [2, None]),
        ("SELECT c.Balance AS b, c.rate, balance * 2 FROM customers c", 3, [2, 3, None]),
        ("SELECT * FROM customers", 4, [None, 2, 3, None]),
        ("SELECT o.*, c.balance FROM orders o JOIN customers c ON c.id = o.id", 3, [None, 4, 2]),
        ("SELECT amount, balance FROM orders, customers", 2, [4, 2]),
        ("SELECT id FROM orders, customers", 1, [None]),  # ambiguous: unresolved
        ("SELECT x FROM (SELECT balance AS x FROM customers) s", 1, [None]),  # subquery: unresolved
        ("SELECT balance FROM missing", 1, [None]),
        ("SELECT * FROM customers", 3, [None, None, None]),  # the driver disagrees: trust nothing
        ("UPDATE customers SET balance = 1", 0, []),
        ("SELEC nonsense ((", 2, [None, None]),
    ],
)
def test_sqlite_scales_come_from_declared_column_types(sql, count, scales):
    """Only plain column references of the outer SELECT get a scale, and only when unambiguous."""
    assert sqlite_declared_scales(sql, count, _tables) == scales
