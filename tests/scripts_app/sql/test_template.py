"""`%Field Name%` tokens become `?` markers with the profile's values bound; values never become SQL text."""

from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts_app.sql.template import bind, convert_value, tokens
from scripts_app.sql.types import BoundStatement, SqlError, SqlErrorKind

FIELDS = {
    "ANI": "phone",
    "Caller Name": "text",
    "Customer ID": "number",
    "Customer Type": "text",
    "Account Balance": "currency",
    "Call Back Date": "date",
    "Call Back Time": "time",
}
PROFILE = {"ANI": "+15551230001", "Caller Name": "Dana", "Customer ID": "1001", "Customer Type": "Stocks"}


def _issue(exc: pytest.ExceptionInfo[SqlError]):
    assert exc.value.kind is SqlErrorKind.VALIDATION
    assert len(exc.value.issues) == 1
    return exc.value.issues[0]


def test_the_guides_example_binds_the_ani_as_a_parameter():
    """SELECT * FROM table_1 WHERE phone_number = %ANI% sends `?` and the ANI as its value."""
    bound = bind("SELECT *\nFROM table_1\nWHERE phone_number = %ANI%", PROFILE, FIELDS)
    assert bound == BoundStatement("SELECT *\nFROM table_1\nWHERE phone_number = ?", ("+15551230001",), ("ANI",))


def test_names_with_spaces_bind_in_order_and_sources_name_each_marker():
    bound = bind("UPDATE c SET type = %Customer Type% WHERE id = %Customer ID% AND ani = %ANI%", PROFILE, FIELDS)
    assert bound.sql == "UPDATE c SET type = ? WHERE id = ? AND ani = ?"
    assert bound.params == ("Stocks", 1001, "+15551230001")
    assert bound.sources == ("Customer Type", "Customer ID", "ANI")


def test_a_field_missing_from_the_profile_binds_as_empty():
    """Empty text stays "", an empty number is NULL."""
    bound = bind("SELECT 1 WHERE a = %Caller Name% AND b = %Account Balance%", {}, FIELDS)
    assert bound.params == ("", None)


@pytest.mark.parametrize("literal", ["'%ANI%'", "N'%ANI%'", "E'%ANI%'"])
def test_a_string_that_is_exactly_one_token_binds_without_its_quotes(literal):
    bound = bind(f"SELECT * FROM t WHERE phone = {literal}", PROFILE, FIELDS)
    assert bound.sql == "SELECT * FROM t WHERE phone = ?"
    assert bound.params == ("+15551230001",)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM t WHERE name LIKE '%abc%'",
        "SELECT * FROM t WHERE note = '%ANI% suffix'",
        "SELECT * FROM t WHERE note LIKE '%ANI%%'",
        "SELECT * FROM t WHERE note = 'it''s %ANI%'",
        "SELECT * FROM t -- WHERE phone = %ANI%",
        "SELECT * FROM t /* %ANI% and %Not A Field% */",
        'SELECT "%ANI%" FROM t',
        "SELECT `%ANI%` FROM t",
        "SELECT [%ANI%] FROM t",
        "SELECT a % b, c%%d FROM t",
        "SELECT a%b FROM t WHERE x%y = 0",
        "SELECT '%Not A Field%' FROM t",
    ],
)
def test_percent_signs_outside_code_tokens_are_left_untouched(statement):
    """Strings, comments, quoted identifiers, `%%`, modulo and non-field literals keep their exact text."""
    bound = bind(statement, PROFILE, FIELDS)
    assert bound == BoundStatement(statement)


def test_a_doubled_quote_does_not_end_the_string():
    """In 'it''s %ANI%' the token is text; the %ANI% after the string binds."""
    bound = bind("SELECT 'it''s %ANI%', %ANI% FROM t", PROFILE, FIELDS)
    assert bound.sql == "SELECT 'it''s %ANI%', ? FROM t"


def test_backslashes_do_not_escape_by_default_and_do_when_asked():
    """Standard SQL: 'C:\\' is a whole string. With MySQL's backslash escapes, \\' is a quote inside it."""
    statement = "SELECT 'C:\\', %ANI% FROM t WHERE x = 'y'"
    assert bind(statement, PROFILE, FIELDS).sql == "SELECT 'C:\\', ? FROM t WHERE x = 'y'"
    mysql = "SELECT 'O\\'Brien', %ANI% FROM t"
    assert bind(mysql, PROFILE, FIELDS, backslash_escapes=True).sql == "SELECT 'O\\'Brien', ? FROM t"


def test_an_unknown_field_is_a_validation_error_naming_the_closest_field():
    with pytest.raises(SqlError) as exc:
        bind("SELECT *\nFROM customers\nWHERE id = %Custmer ID%", PROFILE, FIELDS)
    issue = _issue(exc)
    assert issue.id == "sql.E003"
    assert issue.message.startswith("Unknown call profile field '%Custmer ID%'. Did you mean 'Customer ID'")
    assert (issue.line, issue.column) == (3, 12)


def test_field_names_are_case_sensitive_and_the_hint_gives_the_right_case():
    with pytest.raises(SqlError) as exc:
        bind("SELECT * FROM t WHERE phone = %ani%", PROFILE, FIELDS)
    assert "Did you mean 'ANI'?" in _issue(exc).message


def test_an_unclosed_token_is_reported_not_sent():
    with pytest.raises(SqlError) as exc:
        bind("SELECT * FROM t WHERE id = %Customer ID AND x = 1", PROFILE, FIELDS)
    issue = _issue(exc)
    assert (issue.id, issue.line, issue.column) == ("sql.E006", 1, 28)
    assert "%Customer ID%" in issue.message


def test_a_question_mark_written_in_the_statement_is_refused():
    """It would shift every bound value by one marker."""
    with pytest.raises(SqlError) as exc:
        bind("SELECT * FROM t WHERE a = ? AND b = %ANI%", PROFILE, FIELDS)
    assert _issue(exc).id == "sql.E007"
    assert bind("SELECT '?' FROM t", PROFILE, FIELDS).sql == "SELECT '?' FROM t"


@pytest.mark.parametrize(
    ("data_type", "value", "expected"),
    [
        ("number", "1001", 1001),
        ("number", " -7 ", -7),
        ("number", "12.50", Decimal("12.50")),
        ("number", "1e3", Decimal("1e3")),
        ("number", "", None),
        ("currency", "15234.50", Decimal("15234.50")),
        ("currency", "$1,234.50", Decimal("1234.50")),
        ("currency", "-880", Decimal("-880")),
        ("currency", "", None),
        ("date", "2024-05-01", date(2024, 5, 1)),
        ("date", "05/01/2024", date(2024, 5, 1)),
        ("date", "", None),
        ("time", "09:30", time(9, 30)),
        ("time", "17:05:59", time(17, 5, 59)),
        ("time", "", None),
        ("text", "", ""),
        ("text", " as is ", " as is "),
        ("phone", "+15551230001", "+15551230001"),
    ],
)
def test_values_convert_by_data_type(data_type, value, expected):
    converted = convert_value(value, data_type)
    assert converted == expected
    assert type(converted) is type(expected)


@pytest.mark.parametrize(
    ("data_type", "value"),
    [
        ("number", "abc"),
        ("number", "١٢"),
        ("number", "NaN"),
        ("currency", "1,23"),
        ("date", "2024-13-01"),
        ("date", "yesterday"),
        ("time", "25:00"),
    ],
)
def test_values_that_do_not_convert_are_refused(data_type, value):
    with pytest.raises(ValueError):
        convert_value(value, data_type)


def test_a_profile_value_that_does_not_convert_is_a_validation_error_naming_field_and_value():
    with pytest.raises(SqlError) as exc:
        bind("SELECT * FROM c WHERE id = %Customer ID%", {"Customer ID": "abc"}, FIELDS)
    issue = _issue(exc)
    assert issue.id == "sql.E010"
    assert issue.message.startswith("Call profile field 'Customer ID' holds 'abc', which is not a number.")


def test_tokens_report_names_positions_and_literal_tokens():
    found = tokens("SELECT %ANI%,\n  '%Customer ID%', '%x%' FROM t WHERE a = %Unknown Field%", FIELDS)
    assert [(t.name, t.line, t.column, t.in_literal) for t in found] == [
        ("ANI", 1, 8, False),
        ("Customer ID", 2, 3, True),
        ("Unknown Field", 2, 43, False),
    ]
    assert [(t.start, t.end) for t in found][:2] == [(7, 12), (16, 31)]


HOSTILE = [
    "+1' OR '1'='1",
    "x'); DROP TABLE customers; --",
    "'; DROP TABLE customers; --",
    "\\'; DROP TABLE customers; -- \\",
    '"quoted" `back` [bracket] %ANI% ?',
    "Zoë 名前 🙂",
    "A" * 10_000,
]
STATEMENT = (
    "SELECT name, '%ANI% literal' AS note -- %Caller Name%\n"
    "FROM customers WHERE phone = %ANI% AND name = '%Caller Name%'\n"
    "  AND type = N'%Customer Type%' OR x = 'it''s'"
)
TEXT_FIELDS = ("ANI", "Caller Name", "Customer Type")


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.text(), st.sampled_from(HOSTILE)), min_size=3, max_size=3))
def test_the_sql_text_never_depends_on_profile_values(values):
    """Whatever the caller controls (quotes, backslashes, SQL, unicode, 10 kB) only ever becomes a parameter."""
    profile = dict(zip(TEXT_FIELDS, values, strict=True))
    bound = bind(STATEMENT, profile, FIELDS)
    assert bound.sql == bind(STATEMENT, {}, FIELDS).sql
    assert bound.sql == (
        "SELECT name, '%ANI% literal' AS note -- %Caller Name%\n"
        "FROM customers WHERE phone = ? AND name = ?\n"
        "  AND type = ? OR x = 'it''s'"
    )
    assert bound.params == tuple(values)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_parameters_and_absent_from_the_sql(value):
    bound = bind("SELECT * FROM customers WHERE phone = %ANI% AND name = %Caller Name%", {"ANI": value}, FIELDS)
    assert bound.sql == "SELECT * FROM customers WHERE phone = ? AND name = ?"
    assert bound.params == (value, "")
    assert "DROP" not in bound.sql
