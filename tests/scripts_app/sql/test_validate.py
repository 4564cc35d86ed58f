"""Saving a statement checks it: every Appendix A form passes, mistakes come back as issues with ids and places."""

import pytest

from scripts_app.sql.types import Dialect
from scripts_app.sql.validate import validate_statement

FIELDS = frozenset({"ANI", "Customer ID", "Customer Type", "Account Balance"})
DIALECTS = [Dialect.MYSQL, Dialect.POSTGRES, Dialect.SQLITE, Dialect.TSQL]

# Appendix A, as printed, with `{v}` where the guide writes `value` (or `value1`).
APPENDIX_A = {
    "simple select": "SELECT field1, field2, field3\nFROM table1\nWHERE field1 = {v}",
    "simple update": "UPDATE table1\nSET field2 = {v}\nWHERE field1 = {v}",
    "simple insert": "INSERT into table1 values ( {v}, {v}, {v} )",
    "simple delete": "DELETE\nFROM table1\nWHERE field1 = {v}",
    "computed field": "SELECT field1, fieldx*2\nAS field2, field3\nFROM table1\nWHERE field1 = {v}",
    "left join": "SELECT field1, field2\nFROM table1 left\nJOIN table2 on table1.id1 = table2.id2\nWHERE field1 > {v}",
    "inner join": "SELECT field1, field2\nFROM table1 inner\nJOIN table2 on table1.id1 = table2.id2\n"
    "WHERE field1 > {v}",
    "comma join, with its WHERE": "SELECT field1, field2\nFROM table1, table2 WHERE table1.id1 = table2.id2\n"
    "AND field1 > {v}",
    "nested select": "SELECT field1\nFROM table1\nWHERE id1 in\n    ( select id2\n      FROM table2 )\n"
    "AND field1 = {v}",
    "nested update": "UPDATE table1\nSET field1 = {v}\nWHERE id1 in\n    ( select id2\n      FROM table2 )",
    "nested delete": "DELETE\nFROM table1\nWHERE id1 in\n    ( select id2\n      FROM table2 )",
}
VALUES = ["5", "'text'", "%Customer ID%", "'%ANI%'"]
GUIDE_SCRIPT = (
    "DECLARE @value1 int\nDECLARE @value2 int\nSET @value1 = 5\nSELECT @value2 = field2\nFROM table1\n"
    "WHERE field1 = @value1"
)
GUIDE_BROKEN_JOIN = "SELECT field1, field2\nFROM table1, table2 table1.id1 = table2.id2\nAND field1 > 0"


def check(statement, dialect=Dialect.POSTGRES, **kwargs):
    return validate_statement(statement, dialect=dialect, field_names=FIELDS, **kwargs)


def ids(issues):
    return [issue.id for issue in issues]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("form", APPENDIX_A)
def test_every_appendix_a_form_validates_clean(form, value, dialect):
    assert check(APPENDIX_A[form].format(v=value), dialect) == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_guides_insert_with_column_names_as_placeholders_parses(dialect):
    assert check("INSERT into table1 values ( field1, field2, field3 )", dialect) == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_guides_script_is_allowed_where_several_statements_are(dialect):
    assert check(GUIDE_SCRIPT, dialect, single=False) == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_guides_join_without_where_is_rejected_at_the_join_condition(dialect):
    """As printed on three lines: WHERE is missing before table1.id1 on line 2, column 21."""
    issues = check(GUIDE_BROKEN_JOIN, dialect)
    assert [(i.id, i.line, i.column) for i in issues] == [("sql.E001", 2, 21)]
    assert "a comma join needs WHERE before its join condition" in issues[0].message
    assert "FROM table1, table2 WHERE table1.id1 = table2.id2" in issues[0].message


def test_the_join_hint_names_the_tables_written_and_is_not_offered_for_other_mistakes():
    issues = check("SELECT a FROM customers c, orders o c.id = o.customer_id")
    assert "Write FROM customers c, orders o WHERE c.id = o.customer_id" in issues[0].message
    missing_comma = check("UPDATE t SET a = 1 b = 2")
    assert [(i.id, i.column) for i in missing_comma] == [("sql.E001", 20)]
    assert "WHERE" not in missing_comma[0].message


@pytest.mark.parametrize(
    ("statement", "line", "column"),
    [
        ("SELECT FROM WHERE", 1, 13),
        ("SELECT a,\n  b\nFROM t\nWHERE a = = 1", 4, 11),
        ("SELECT a FROM t WHERE id = %Customer ID% AND AND b = 1", 1, 46),
    ],
)
def test_syntax_errors_point_at_the_offending_word(statement, line, column):
    issues = check(statement)
    assert [(i.id, i.line, i.column) for i in issues] == [("sql.E001", line, column)]


@pytest.mark.parametrize(
    ("statement", "where"),
    [
        ("SELECT a FROM t WHERE b = 'abc", (1, 27)),
        ('SELECT "abc FROM t', (1, 8)),
        ("SELECT a /* note\nFROM t", (1, 10)),
    ],
)
def test_an_unclosed_string_quoted_name_or_comment_is_a_syntax_error_where_it_opens(statement, where):
    issues = check(statement)
    assert [(i.id, i.line, i.column) for i in issues] == [("sql.E001", *where)]
    assert "never closed" in issues[0].message


def test_mysql_backslash_escapes_are_understood_only_in_mysql():
    statement = "SELECT * FROM t WHERE name = 'O\\'Brien' AND id = %Customer ID%"
    assert check(statement, Dialect.MYSQL) == []
    assert ids(check(statement, Dialect.POSTGRES)) == ["sql.E001"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE table1 SET field2 = 1",
        "DELETE FROM table1",
        "INSERT into table1 values ( 1, 2, 3 )",
        "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
        "  -- the guide: a statement that does not start with SELECT does not work\n  delete from t",
    ],
)
def test_a_select_only_place_refuses_anything_not_starting_with_select(statement):
    issues = check(statement, select_only=True)
    assert ids(issues) == ["sql.E002"]
    assert "Only a SELECT statement works here" in issues[0].message
    assert check(statement, select_only=False) == []


def test_select_into_creates_a_table_so_it_is_not_a_select_there():
    assert ids(check("SELECT a INTO copy FROM t", Dialect.TSQL, select_only=True)) == ["sql.E002"]
    assert check("select a from t where id = %Customer ID%", Dialect.TSQL, select_only=True) == []


def test_unknown_fields_are_reported_with_the_closest_names():
    issues = check("SELECT *\nFROM customers\nWHERE id = %Custmer ID%")
    assert [(i.id, i.line, i.column) for i in issues] == [("sql.E003", 3, 12)]
    assert "Did you mean 'Customer ID'" in issues[0].message


def test_a_second_statement_where_one_is_allowed_is_reported_where_it_starts():
    statement = "SELECT a FROM t WHERE id = %Customer ID%\nUPDATE t SET a = 1"
    issues = check(statement)
    assert [(i.id, i.line, i.column) for i in issues] == [("sql.E004", 2, 1)]
    assert check(statement, single=False) == []
    assert ids(check("SELECT 1; SELECT 2")) == ["sql.E004"]
    assert check("SELECT 1;") == []


def test_a_script_counts_as_several_statements_where_only_one_is_allowed():
    assert ids(check(GUIDE_SCRIPT, single=True)) == ["sql.E004"]
    assert ids(check(GUIDE_SCRIPT, single=False, select_only=True)) == ["sql.E002"]


@pytest.mark.parametrize("statement", ["", "   \n\t", "-- nothing\n/* at all */"])
def test_an_empty_statement_is_reported(statement):
    assert ids(check(statement)) == ["sql.E005"]


def test_an_unclosed_token_is_reported_instead_of_a_syntax_error():
    issues = check("SELECT a FROM t WHERE id = %Customer ID")
    assert [(i.id, i.line, i.column) for i in issues] == [("sql.E006", 1, 28)]


def test_a_written_question_mark_is_reported():
    assert ids(check("SELECT a FROM t WHERE id = ?")) == ["sql.E007"]


def test_script_variables_must_be_declared_once():
    issues = check("DECLARE @a int\nDECLARE @A int\nSET @b = 1", single=False)
    assert [(i.id, i.line, i.column) for i in issues] == [("sql.E008", 2, 9), ("sql.E008", 3, 5)]


@pytest.mark.parametrize(
    "statement",
    [
        "DECLARE @a int\nIF @a > 1 SELECT 1",
        "DECLARE @a int\nSET NOCOUNT ON",
        "DECLARE @a int\nSELECT @a = field1, field2 FROM t",
        "DECLARE @t TABLE (id int)",
        "DECLARE @a int\nSET @a = @@ROWCOUNT + 1",
    ],
)
def test_script_statements_ccweb_cannot_run_are_reported(statement):
    assert "sql.E009" in ids(check(statement, single=False))


def test_syntax_errors_inside_a_script_point_into_the_script():
    statement = "DECLARE @a int\nSET @a = 5\nSELECT @a = field2\nFROM table1\nWHERE field1 = = @a"
    issues = check(statement, single=False)
    assert [(i.id, i.line, i.column) for i in issues] == [("sql.E001", 5, 16)]


def test_a_field_inside_a_longer_string_is_a_warning_that_it_stays_text():
    issues = check("SELECT * FROM t WHERE note = 'caller %ANI%' AND name LIKE '%abc%'")
    assert [(i.id, i.line, i.column) for i in issues] == [("sql.W001", 1, 38)]
    assert "CONCAT" in issues[0].message
    assert ids(check('SELECT * FROM t WHERE phone = "%ANI%"')) == ["sql.W001"]
    assert check("SELECT * FROM t WHERE phone = '%ANI%'") == []
