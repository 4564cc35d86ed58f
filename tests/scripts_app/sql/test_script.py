"""Scripts (DECLARE / SET @v / SELECT @v = …) run by ccweb: variables held in ccweb, every value bound.

The runner is pure; `run` here is the standard library's in-memory SQLite behind the same callable the
executor provides, so the SQL text ccweb produces is really executed. Real ODBC databases are covered in
tests/integration.
"""

import sqlite3
from datetime import date, time
from decimal import Decimal

import pytest

from scripts_app.sql.lexer import statement_spans
from scripts_app.sql.script import (
    Assign,
    Declare,
    Execute,
    FieldValue,
    Literal,
    Query,
    SelectInto,
    VariableValue,
    is_script,
    parse_script,
    run_script,
)
from scripts_app.sql.types import BoundStatement, RawResult, SqlError, SqlErrorKind

FIELDS = {"ANI": "phone", "Customer ID": "number", "Customer Type": "text", "Account Balance": "currency"}
GUIDE_SCRIPT = (
    "DECLARE @value1 int\nDECLARE @value2 int\nSET @value1 = 5\nSELECT @value2 = field2\nFROM table1\n"
    "WHERE field1 = @value1"
)


class FakeDatabase:
    """In-memory SQLite behind `run(BoundStatement) -> RawResult`; keeps every statement it was given."""

    def __init__(self):
        self.db = sqlite3.connect(":memory:")
        self.db.executescript(
            """
            CREATE TABLE table1 (field1 INTEGER, field2 INTEGER);
            INSERT INTO table1 VALUES (5, 50), (6, 60);
            CREATE TABLE customers (id INTEGER, phone TEXT, type TEXT, balance TEXT);
            INSERT INTO customers VALUES (1001, '+15551230001', 'Stocks', '15234.50'),
                                         (1002, '+15551230002', 'Bonds', '880.00');
            """
        )
        self.seen: list[BoundStatement] = []

    def run(self, statement: BoundStatement) -> RawResult:
        self.seen.append(statement)
        params = [str(p) if isinstance(p, (Decimal, date, time)) else p for p in statement.params]
        cursor = self.db.execute(statement.sql, params)
        if cursor.description is None:
            return RawResult([], [], cursor.rowcount, False)
        rows = [["" if v is None else str(v) for v in row] for row in cursor.fetchall()]
        return RawResult([d[0] for d in cursor.description], rows, len(rows), True)


@pytest.fixture
def database():
    return FakeDatabase()


def run(statement, database, profile=None):
    plan = parse_script(statement, FIELDS)
    return run_script(plan, profile or {}, database.run, field_types=FIELDS)


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (GUIDE_SCRIPT, True),
        ("declare @x int", True),
        ("-- lookup\nSET @x = 1", True),
        ("SELECT @x = a FROM t", True),
        ("SELECT TOP 1 @x = a FROM t", True),
        ("SELECT a FROM t WHERE b = %ANI%", False),
        ("SELECT a FROM t WHERE b = @x", False),
        ("SELECT a FROM t WHERE b = 'SET @x = 1'", False),
        ("UPDATE t SET a = 1", False),
        ("SELECT a FROM t WHERE b = %Email @ Home%", False),
    ],
)
def test_is_script(statement, expected):
    assert is_script(statement) is expected


def test_statements_start_at_a_keyword_at_the_start_of_a_line_but_not_inside_another():
    """UPDATE's SET, INSERT … SELECT, nested SELECTs and UNION continue the statement they belong to."""
    statement = (
        "UPDATE table1\nSET field1 = 1\nWHERE id1 in\n    ( select id2\n      FROM table2 )\n"
        "INSERT INTO t (a)\nSELECT a FROM s\nUNION\nSELECT b FROM s\n"
        "SET @x = 1; SELECT 2\nEXEC proc\n"
        "SELECT a,\nIF (b > 1, 'x', 'y') AS c FROM t"
    )
    assert [statement[a:b].split("\n")[0] for a, b in statement_spans(statement)] == [
        "UPDATE table1",
        "INSERT INTO t (a)",
        "SET @x = 1",
        "SELECT 2",
        "EXEC proc",
        "SELECT a,",
    ]


def test_the_guides_script_parses_into_declare_set_and_select_into_steps():
    plan = parse_script(GUIDE_SCRIPT, FIELDS)
    assert [type(step) for step in plan.steps] == [Declare, Declare, Assign, SelectInto]
    assert plan.steps[2] == Assign("value1", Literal("5"), 40)
    select = plan.steps[3]
    assert select.keys == ("value2",)
    assert select.query.sql == "SELECT field2\nFROM table1\nWHERE field1 = ?"
    assert select.query.refs == (VariableValue("value1"),)
    assert {key: (v.name, v.sql_type, v.data_type) for key, v in plan.variables.items()} == {
        "value1": ("value1", "int", "number"),
        "value2": ("value2", "int", "number"),
    }


def test_the_guides_script_runs_with_variables_held_by_ccweb(database):
    outcome = run(GUIDE_SCRIPT, database)
    assert outcome.variables == {"value1": "5", "value2": "50"}
    assert outcome.rowcount == 1
    assert database.seen == [BoundStatement("SELECT field2\nFROM table1\nWHERE field1 = ?", (5,), ("@value1",))]


def test_a_select_that_finds_no_row_sets_its_variables_to_null(database):
    outcome = run("DECLARE @v int\nSET @v = 1\nSELECT @v = field2 FROM table1 WHERE field1 = 99", database)
    assert outcome.variables == {"v": ""}
    assert outcome.rowcount == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", Literal("42")),
        ("-1.5", Literal("-1.5")),
        ("'it''s'", Literal("it's")),
        ("N'Zoë'", Literal("Zoë")),
        ("NULL", Literal(None)),
        ("%ANI%", FieldValue("ANI")),
        ("'%ANI%'", FieldValue("ANI")),
        ("@other", VariableValue("other")),
        ("@OTHER", VariableValue("other")),
    ],
)
def test_set_takes_literals_fields_and_variables_without_the_database(value, expected):
    plan = parse_script(f"DECLARE @other int\nDECLARE @v varchar(20)\nSET @v = {value}", FIELDS)
    assert plan.steps[-1] == Assign("v", expected, 42)


def test_set_with_an_expression_is_evaluated_by_the_database_with_values_bound(database):
    statement = "DECLARE @n int\nDECLARE @m int\nSET @n = %Customer ID%\nSET @m = (@n + 1) * 2"
    plan = parse_script(statement, FIELDS)
    assert isinstance(plan.steps[-1].value, Query)
    outcome = run_script(plan, {"Customer ID": "1001"}, database.run, field_types=FIELDS)
    assert outcome.variables == {"n": "1001", "m": "2004"}
    assert database.seen == [BoundStatement("SELECT (? + 1) * 2", (1001,), ("@n",))]


def test_variables_ignore_case_and_declare_can_initialise(database):
    statement = "DECLARE @Limit int = 5\nSELECT @RESULT = field2 FROM table1 WHERE field1 = @limit"
    with pytest.raises(SqlError):  # @RESULT is not declared
        parse_script(statement, FIELDS)
    outcome = run("DECLARE @Result int\n" + statement, database)
    assert outcome.variables == {"Result": "50", "Limit": "5"}


def test_a_variable_named_like_a_field_reads_it_and_is_written_back(database):
    """@Customer_Type mirrors "Customer Type"; @customer_id starts with the caller's Customer ID."""
    statement = (
        "DECLARE @customer_id int\nDECLARE @Customer_Type varchar(20)\nDECLARE @Account_Balance money\n"
        "SELECT @Customer_Type = type, @Account_Balance = balance\nFROM customers WHERE id = @customer_id"
    )
    profile = {"Customer ID": "1002", "Customer Type": "", "Account Balance": ""}
    outcome = run(statement, database, profile)
    assert outcome.profile_updates == {"Customer Type": "Bonds", "Account Balance": "880.00"}
    assert database.seen[0].params == (1002,)


def test_plain_statements_run_with_variables_and_fields_bound_and_return_the_last_query(database):
    statement = (
        "DECLARE @type varchar(10)\nSET @type = 'Gold'\n"
        "UPDATE customers\nSET type = @type\nWHERE phone = %ANI%\n"
        "SELECT id, type FROM customers WHERE type = @type"
    )
    outcome = run(statement, database, {"ANI": "+15551230001"})
    assert (outcome.columns, outcome.rows, outcome.is_query) == (["id", "type"], [["1001", "Gold"]], True)
    assert outcome.rowcount == 2  # one row updated, one row returned
    assert [s.sources for s in outcome.statements] == [("@type", "ANI"), ("@type",)]


HOSTILE = ["x'); DROP TABLE customers; --", "+1' OR '1'='1", "\\'; --", "Zoë 🙂", "A" * 10_000]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_profile_and_variable_values_never_become_sql_text(database, hostile):
    """Values from the caller and from the database reach later statements only as parameters."""
    database.db.execute("UPDATE customers SET type = ? WHERE id = 1001", [hostile])
    statement = (
        "DECLARE @type varchar(20)\nDECLARE @copy varchar(20)\nDECLARE @both varchar(20)\n"
        "SELECT @type = type FROM customers WHERE id = %Customer ID%\n"
        "SET @copy = @type\nSET @both = @copy || %ANI%\n"
        "SELECT id FROM customers WHERE type = @copy AND phone <> '%ANI%'"
    )
    outcome = run(statement, database, {"ANI": hostile, "Customer ID": "1001"})
    assert outcome.variables["type"] == hostile
    assert outcome.variables["both"] == hostile + hostile
    assert outcome.rows == [["1001"]]  # compared as data: found the row holding exactly that text
    assert all(hostile not in s.sql and "DROP" not in s.sql for s in outcome.statements)
    assert database.db.execute("SELECT count(*) FROM customers").fetchone() == (2,)


def test_a_variable_value_that_does_not_fit_its_type_is_a_validation_error(database):
    statement = "DECLARE @n int\nSET @n = 'abc'\nSELECT field2 FROM table1 WHERE field1 = @n"
    with pytest.raises(SqlError) as exc:
        run(statement, database)
    assert exc.value.kind is SqlErrorKind.VALIDATION
    assert exc.value.issues[0].id == "sql.E010"
    assert exc.value.issues[0].message.startswith("Variable @n holds 'abc', which is not a number.")


def test_parse_script_raises_with_every_problem():
    with pytest.raises(SqlError) as exc:
        parse_script("DECLARE @a int\nSET @b = %Custmer ID%\nEXEC proc", FIELDS)
    assert [issue.id for issue in exc.value.issues] == ["sql.E008", "sql.E003", "sql.E009"]


def test_plain_statements_in_a_script_keep_their_text(database):
    plan = parse_script("DECLARE @a int\nDELETE FROM table1 WHERE field1 = 6", FIELDS)
    assert plan.steps[-1] == Execute(Query("DELETE FROM table1 WHERE field1 = 6", (), tuple(range(15, 50))), 15)
    outcome = run_script(plan, {}, FakeDatabase().run, field_types=FIELDS)
    assert (outcome.rowcount, outcome.is_query) == (1, False)
