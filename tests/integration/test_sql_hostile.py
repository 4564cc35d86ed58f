"""Caller-controlled values are bound, never spliced: hostile values match nothing and every table survives."""

import pytest

from calls.models import CallProfileField
from scripts_app.sql.gateway import run_statement

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

HOSTILE = [
    "+1' OR '1'='1",
    "x'); DROP TABLE customers; --",
    "\\'; DELETE FROM customers; --\\",
    "quote \" and ' and ` and ]",
    "Zoë Ünïcode 😀 汉字 العربية",
    "%ANI%",
    "A" * 10_000,
]
CUSTOMERS = [
    (1001, "Dana Whitfield", "+15551230001", "Stocks", "15234.50"),
    (1002, "Omar Haddad", "+15551230002", "Bonds", "880.00"),
]


@pytest.fixture
def crm(odbc_database):
    db = odbc_database
    for table in ("customers", "call_log"):
        db.admin_execute(f"DROP TABLE IF EXISTS {table}")
    db.admin_execute(
        "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name VARCHAR(100), "
        "phone VARCHAR(32), customer_type VARCHAR(20), balance DECIMAL(12,2))"
    )
    db.admin_execute("CREATE TABLE call_log (id INTEGER PRIMARY KEY, ani VARCHAR(64), caller VARCHAR(12000))")
    for row in CUSTOMERS:
        db.admin_execute("INSERT INTO customers VALUES (?, ?, ?, ?, ?)", *row)
    return db


def intact(db):
    rows = db.admin_query("SELECT customer_id, name, phone, customer_type FROM customers ORDER BY customer_id")
    return [tuple(r) for r in rows] == [row[:4] for row in CUSTOMERS]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_match_nothing_and_leave_tables_intact(crm, value):
    profile = {"ANI": value, "Caller Name": value}
    for statement in (
        "SELECT name FROM customers WHERE phone = %ANI%",
        "SELECT name FROM customers WHERE phone = '%ANI%'",
        "SELECT customer_id FROM customers WHERE name = %Caller Name% OR phone = %ANI%",
    ):
        result = run_statement(crm.connection, statement, profile)
        assert result.rows == [] and result.rowcount == 0
        assert value not in result.statement.sql
    updated = run_statement(crm.connection, "UPDATE customers SET customer_type = 'x' WHERE phone = %ANI%", profile)
    assert updated.rowcount == 0
    assert intact(crm)


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_are_stored_and_read_back_exactly(crm, value):
    profile = {"ANI": value[:64], "Caller Name": value}
    run_statement(crm.connection, "INSERT INTO call_log (id, ani, caller) VALUES (1, %ANI%, %Caller Name%)", profile)
    result = run_statement(crm.connection, "SELECT ani, caller FROM call_log WHERE ani = %ANI%", profile)
    assert result.rows == [[value[:64], value]]
    assert intact(crm)


def test_decimal_reads_the_same_on_every_database(crm):
    result = run_statement(crm.connection, "SELECT balance FROM customers WHERE phone = %ANI%", {"ANI": "+15551230001"})
    assert result.rows == [["15234.50"]]
    assert CallProfileField.objects.filter(name="ANI").exists()
