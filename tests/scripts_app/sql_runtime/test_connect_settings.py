"""Connection strings, per-driver session set-up and read detection, without a database."""

from unittest import mock

import pyodbc
import pytest

from scripts_app.models import DatabaseConnection
from scripts_app.sql.connect import (
    ConnectionSettings,
    build_connection_string,
    parse_connection_string,
    prepare_session,
    quote_value,
    settings_for,
)
from scripts_app.sql.executor import is_read


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("plain", "plain"),
        ("p;w", "{p;w}"),
        ("a}b", "{a}}b}"),
        ("{x}", "{{x}}}"),
        ("k=v", "{k=v}"),
        (" edge ", "{ edge }"),
        ("Acct Data", "{Acct Data}"),
        ("", "{}"),
    ],
)
def test_values_with_separators_are_braced_and_closing_braces_doubled(value, quoted):
    assert quote_value(value) == quoted
    assert parse_connection_string(f"PWD={quoted}") == [("PWD", value)]


def test_parsing_keeps_order_braces_and_driver_names_with_spaces():
    text = "Driver={MariaDB Unicode};Server=db.example.com; Port=3306;PWD={a;b}}c};Database=crm;"
    assert parse_connection_string(text) == [
        ("Driver", "MariaDB Unicode"),
        ("Server", "db.example.com"),
        ("Port", "3306"),
        ("PWD", "a;b}c"),
        ("Database", "crm"),
    ]


def test_a_dsn_name_becomes_dsn_with_credentials_quoted():
    text = build_connection_string("Acct Data", database_type="other", timeout=5, username="cc", password="p;w}1")
    assert text == "DSN={Acct Data};UID=cc;PWD={p;w}}1}"
    assert parse_connection_string(text)[-1] == ("PWD", "p;w}1")


def test_username_and_password_fields_replace_those_of_the_string():
    text = build_connection_string(
        "Driver={PostgreSQL Unicode};Server=h;UID=old;Password=old",
        database_type="postgresql",
        timeout=5,
        username="new",
        password="secret",
    )
    assert parse_connection_string(text) == [
        ("Driver", "PostgreSQL Unicode"),
        ("Server", "h"),
        ("UID", "new"),
        ("PWD", "secret"),
    ]


def test_without_credentials_the_string_keeps_its_own():
    text = build_connection_string("Driver={SQLite3};Database=/tmp/x.db;UID=u", database_type="other", timeout=5)
    assert text == "Driver=SQLite3;Database=/tmp/x.db;UID=u"
    assert build_connection_string("Driver={MariaDB Unicode}", database_type="other", timeout=1) == (
        "Driver={MariaDB Unicode}"
    )


def test_mariadb_gets_connect_read_and_write_timeouts_unless_the_string_sets_them():
    """MariaDB ignores the ODBC login timeout: CONN_TIMEOUT bounds connecting; READ/WRITE are a backstop."""
    text = build_connection_string("Driver={MariaDB Unicode};Server=h", database_type="mysql", timeout=2.5)
    assert dict(parse_connection_string(text)) == {
        "Driver": "MariaDB Unicode",
        "Server": "h",
        "CONN_TIMEOUT": "3",
        "READ_TIMEOUT": "8",
        "WRITE_TIMEOUT": "8",
    }
    text = build_connection_string("Driver={MariaDB Unicode};conn_timeout=9", database_type="mysql", timeout=2)
    assert [k for k, _ in parse_connection_string(text)] == ["Driver", "conn_timeout", "READ_TIMEOUT", "WRITE_TIMEOUT"]


def test_sqlite_busy_timeout_follows_the_connection_timeout():
    text = build_connection_string("Driver={SQLite3};Database=/tmp/x.db", database_type="sqlite", timeout=3)
    assert text.endswith(";Timeout=3000")


def test_settings_for_a_database_connection():
    connection = DatabaseConnection(
        pk=7,
        name="Acct_Data",
        dsn="crm",
        database_type="postgresql",
        timeout=12,
        username="cc",
        simultaneous_connections=3,
        unicode_parameters=True,
    )
    connection.set_password("S3cret;")
    settings = settings_for(connection)
    assert settings == ConnectionSettings(
        key="db7",
        connection_string="DSN=crm;UID=cc;PWD={S3cret;}",
        database_type="postgresql",
        timeout=12.0,
        max_connections=3,
        unicode_parameters=True,
        name="Acct_Data",
    )
    assert "S3cret" not in repr(settings)


def _settings(database_type, unicode_parameters=False):
    return ConnectionSettings("db1", "DSN=x", database_type, 2.5, 1, unicode_parameters)


@pytest.mark.parametrize(
    ("database_type", "statements"),
    [
        ("mysql", ["SET SESSION max_statement_time = 2.500"]),
        ("postgresql", ["SET statement_timeout = 2500"]),
        ("sqlite", []),
        ("mssql", []),
    ],
)
def test_session_setup_uses_the_statement_timeout_each_driver_honours(database_type, statements):
    connection = mock.MagicMock()
    prepare_session(connection, _settings(database_type))
    assert [c.args[0] for c in connection.execute.call_args_list] == statements
    assert connection.timeout == (3 if database_type == "mssql" else connection.timeout)


def test_mysql_without_max_statement_time_falls_back_to_max_execution_time():
    connection = mock.MagicMock()
    connection.execute.side_effect = [pyodbc.ProgrammingError("42000", "Unknown system variable"), mock.MagicMock()]
    prepare_session(connection, _settings("mysql"))
    assert connection.execute.call_args_list[1].args[0] == "SET SESSION max_execution_time = 2500"


@pytest.mark.parametrize(("unicode_parameters", "encoding"), [(False, "utf-8"), (True, "utf-16le")])
def test_strings_bind_as_varchar_unless_the_connection_asks_for_nvarchar(unicode_parameters, encoding):
    """utf-8 makes pyodbc bind str as SQL_CHAR (VARCHAR); utf-16le as SQL_WCHAR (NVARCHAR)."""
    connection = mock.MagicMock()
    prepare_session(connection, _settings("sqlite", unicode_parameters))
    connection.setencoding.assert_called_once_with(encoding=encoding)
    connection.setdecoding.assert_any_call(pyodbc.SQL_CHAR, encoding="utf-8")
    connection.setdecoding.assert_any_call(pyodbc.SQL_WCHAR, encoding="utf-16le")


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        ("SELECT a FROM t WHERE b = ?", True),
        ("  -- note\n select 1", True),
        ("(SELECT 1) UNION (SELECT 2)", True),
        ("WITH x AS (SELECT 1) SELECT * FROM x", True),
        ("SELECT a FROM t WHERE b = 'INSERT INTO'", True),
        ("SELECT 1;", True),
        ("SELECT a INTO #tmp FROM t", False),
        ("SELECT @v = a FROM t; UPDATE t SET a = 1", False),
        ("UPDATE t SET a = 1", False),
        ("INSERT INTO t VALUES (1)", False),
        ("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", False),
        ("DECLARE @v int", False),
        ("/* SELECT */ DELETE FROM t", False),
    ],
)
def test_only_single_selects_that_write_nothing_count_as_reads(sql, read):
    """Reads may be retried after a lost connection; anything else never is."""
    assert is_read(sql) is read
