"""Appendix A of the guide, every form, over ODBC on MariaDB (as MySQL), PostgreSQL and SQLite.

Each statement uses call profile tokens where the guide writes `value`, so every form is also a
bound-parameter test. Rows are compared as the profile sees them: text.
"""

import pytest

from calls.models import CallProfileField
from core.services import service_for
from scripts_app.sql.gateway import check_statement, run_statement
from scripts_app.sql.types import SqlError, SqlErrorKind

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

TABLE1 = [(1, 10, "a", 5, 1), (2, 20, "b", 6, 2), (3, 30, "c", 7, 3), (5, 50, "e", 1, 5), (0, 0, "z", 0, 9)]
TABLE2 = [(1,), (3,)]
PROFILE = {"Customer ID": "2", "Customer Type": "Stocks", "Account Balance": "99"}


@pytest.fixture
def appendix(odbc_database):
    """table1/table2 of the guide, freshly filled, and the user fields the statements use."""
    for name, data_type in (("Customer ID", "number"), ("Customer Type", "text"), ("Account Balance", "currency")):
        if not CallProfileField.objects.filter(name=name).exists():
            service_for(CallProfileField).create(data={"name": name, "data_type": data_type})
    db = odbc_database
    for table in ("table1", "table2"):
        db.admin_execute(f"DROP TABLE IF EXISTS {table}")
    db.admin_execute(
        "CREATE TABLE table1 (field1 INTEGER, field2 INTEGER, field3 VARCHAR(50), fieldx INTEGER, id1 INTEGER)"
    )
    db.admin_execute("CREATE TABLE table2 (id2 INTEGER)")
    for row in TABLE1:
        db.admin_execute("INSERT INTO table1 VALUES (?, ?, ?, ?, ?)", *row)
    for row in TABLE2:
        db.admin_execute("INSERT INTO table2 VALUES (?)", *row)
    return db


def run(db, statement, profile=PROFILE, **kwargs):
    return run_statement(db.connection, statement, profile, **kwargs)


def table1(db):
    return sorted(tuple(r) for r in db.admin_query("SELECT field1, field2, field3, fieldx, id1 FROM table1"))


# All Simple Statements -------------------------------------------------------------------------


def test_simple_select(appendix):
    result = run(appendix, "SELECT field1, field2, field3\nFROM table1\nWHERE field1 = %Customer ID%")
    assert result.statement.sql.count("?") == 1 and result.statement.params == (2,)
    assert (result.columns, result.rows, result.rowcount) == (["field1", "field2", "field3"], [["2", "20", "b"]], 1)


def test_simple_update(appendix):
    result = run(appendix, "UPDATE table1\nSET field2 = %Account Balance%\nWHERE field1 = %Customer ID%")
    assert (result.is_query, result.rowcount) == (False, 1)
    assert (2, 99, "b", 6, 2) in table1(appendix)


def test_simple_insert(appendix):
    result = run(appendix, "INSERT into table1 values ( %Customer ID%, 40, %Customer Type%, 8, 4 )")
    assert result.rowcount == 1
    assert (2, 40, "Stocks", 8, 4) in table1(appendix)


def test_simple_delete(appendix):
    result = run(appendix, "DELETE\nFROM table1\nWHERE field1 = %Customer ID%")
    assert result.rowcount == 1
    assert [r[0] for r in table1(appendix)] == [0, 1, 3, 5]


# Statements with Computed Fields -----------------------------------------------------------------


def test_computed_field(appendix):
    result = run(appendix, "SELECT field1, fieldx*2\nAS field2, field3\nFROM table1\nWHERE field1 = %Customer ID%")
    assert [c.lower() for c in result.columns] == ["field1", "field2", "field3"]
    assert result.rows == [["2", "12", "b"]]


# JOIN Statements ------------------------------------------------------------------------------------


def test_comma_join_with_where(appendix):
    result = run(appendix, "SELECT field1, field2\nFROM table1, table2 WHERE table1.id1 = table2.id2\nAND field1 > 0")
    assert sorted(result.rows) == [["1", "10"], ["3", "30"]]


def test_left_join(appendix):
    result = run(
        appendix, "SELECT field1, field2\nFROM table1 left\nJOIN table2 on table1.id1 = table2.id2\nWHERE field1 > 0"
    )
    assert sorted(result.rows) == [["1", "10"], ["2", "20"], ["3", "30"], ["5", "50"]]


def test_inner_join(appendix):
    result = run(
        appendix, "SELECT field1, field2\nFROM table1 inner\nJOIN table2 on table1.id1 = table2.id2\nWHERE field1 > 0"
    )
    assert sorted(result.rows) == [["1", "10"], ["3", "30"]]


def test_guides_first_join_example_is_rejected_where_its_where_is_missing(appendix):
    statement = "SELECT field1, field2\nFROM table1, table2 table1.id1 = table2.id2\nAND field1 > 0"
    issues = check_statement(statement, database_type=appendix.connection.database_type)
    assert issues and issues[0].id == "sql.E001" and issues[0].line == 2
    with pytest.raises(SqlError) as caught:
        run(appendix, statement)
    assert caught.value.kind == SqlErrorKind.VALIDATION
    assert len(table1(appendix)) == len(TABLE1)


# Nested Statements ----------------------------------------------------------------------------------


def test_nested_select(appendix):
    result = run(appendix, "SELECT field1\nFROM table1\nWHERE id1 in\n    ( select id2\n      FROM table2 )")
    assert sorted(result.rows) == [["1"], ["3"]]


def test_nested_update(appendix):
    result = run(
        appendix, "UPDATE table1\nSET field3 = %Customer Type%\nWHERE id1 in\n    ( select id2\n      FROM table2 )"
    )
    assert result.rowcount == 2
    assert [r[2] for r in table1(appendix)] == ["z", "Stocks", "b", "Stocks", "e"]


def test_nested_delete(appendix):
    result = run(appendix, "DELETE\nFROM table1\nWHERE id1 in\n    ( select id2\n      FROM table2 )")
    assert result.rowcount == 2
    assert [r[0] for r in table1(appendix)] == [0, 2, 5]


# Scripts ---------------------------------------------------------------------------------------------

GUIDE_SCRIPT = (
    "DECLARE @value1 int\nDECLARE @value2 int\nSET @value1 = 5\n"
    "SELECT @value2 = field2\nFROM table1\nWHERE field1 = @value1"
)


def test_guides_script_runs_on_every_database(appendix):
    result = run(appendix, GUIDE_SCRIPT, mapping={"@value2": "Customer Type"})
    assert result.variables["value1"] == "5" and result.variables["value2"] == "50"
    assert result.profile_updates["Customer Type"] == "50"


def test_script_reads_variables_from_the_profile(appendix):
    statement = (
        "DECLARE @value1 int\nDECLARE @value2 int\nSET @value1 = %Customer ID%\n"
        "SELECT @value2 = field2 FROM table1 WHERE field1 = @value1"
    )
    result = run(appendix, statement, mapping={"@value2": "Account Balance"})
    assert result.profile_updates == {"Account Balance": "20"}


# Results -------------------------------------------------------------------------------------------


def test_first_row_maps_to_profile_fields_by_name_ignoring_case(appendix):
    appendix.admin_execute("UPDATE table1 SET field3 = ? WHERE field1 = ?", "Bonds", 2)
    result = run(
        appendix, 'SELECT field3 AS customer_type, fieldx AS "Unknown Col" FROM table1 WHERE field1 = %Customer ID%'
    )
    assert result.profile_updates == {"Customer Type": "Bonds"}


def test_no_rows_is_an_empty_result_that_changes_nothing(appendix):
    result = run(
        appendix,
        "SELECT field3 AS customer_type FROM table1 WHERE field1 = %Customer ID%",
        {**PROFILE, "Customer ID": "404"},
    )
    assert (result.rows, result.rowcount, result.profile_updates) == ([], 0, {})


def test_null_becomes_empty(appendix):
    appendix.admin_execute("INSERT INTO table1 (field1) VALUES (?)", 7)
    result = run(appendix, "SELECT field1, field3 FROM table1 WHERE field1 = 7")
    assert result.rows == [["7", ""]]


def test_select_only_place_refuses_other_statements(appendix):
    with pytest.raises(SqlError) as caught:
        run(appendix, "DELETE FROM table1", select_only=True)
    assert caught.value.issues[0].id == "sql.E002"
    assert len(table1(appendix)) == len(TABLE1)


def test_other_processes_see_configuration_changes_within_the_cache_time(appendix, monkeypatch):
    """A worker that did not receive the save signal re-reads fields and settings after CACHE_SECONDS."""
    from scripts_app.sql import gateway

    run(appendix, "SELECT field1 FROM table1 WHERE field1 = %Customer ID%")
    # As another process would: the row changes without this process's cache being told.
    CallProfileField.objects.filter(name="Customer ID").update(name="Client ID")
    monkeypatch.setattr(gateway, "CACHE_SECONDS", 0.0)
    with pytest.raises(SqlError) as caught:
        run(appendix, "SELECT field1 FROM table1 WHERE field1 = %Customer ID%")
    assert caught.value.issues[0].id == "sql.E003"
