"""pyodbc errors become typed SqlErrors by SQLSTATE and text, whatever pyodbc class the driver raised.

The messages are the ones MariaDB Connector/ODBC 3.1, psqlODBC 13, sqliteodbc and unixODBC 2.3 gave here.
"""

import pyodbc
import pytest

from scripts_app.sql.errors import classify, readable
from scripts_app.sql.types import SqlErrorKind as K

CONNECT = [
    (
        pyodbc.InterfaceError,
        "IM002",
        "[IM002] [unixODBC][Driver Manager]Data source name not found and no default "
        "driver specified (0) (SQLDriverConnect)",
        K.UNKNOWN_DSN,
    ),
    (
        pyodbc.Error,
        "01000",
        "[01000] [unixODBC][Driver Manager]Can't open lib 'Nope' : file not found (0) (SQLDriverConnect)",
        K.UNKNOWN_DSN,
    ),
    (
        pyodbc.InterfaceError,
        "28000",
        "[28000] [ma-3.1.15]Access denied for user 'ccweb'@'127.0.0.1' (using password: YES) (1045) (SQLDriverConnect)",
        K.AUTH,
    ),
    (
        pyodbc.OperationalError,
        "08001",
        '[08001] connection to server at "127.0.0.1", port 5432 failed: FATAL:  '
        'password authentication failed for user "x"\n (101) (SQLDriverConnect)',
        K.AUTH,
    ),
    (
        pyodbc.OperationalError,
        "08001",
        '[08001] connection to server at "127.0.0.1", port 5432 failed: FATAL:  '
        'role "nobody" does not exist\n (101) (SQLDriverConnect)',
        K.AUTH,
    ),
    (
        pyodbc.Error,
        "HY000",
        "[HY000] [ma-3.1.15]Can't connect to server on '127.0.0.1' (115) (2002) (SQLDriverConnect)",
        K.CONNECT,
    ),
    (
        pyodbc.OperationalError,
        "08001",
        '[08001] connection to server at "127.0.0.1", port 1 failed: Connection '
        "refused\n\tIs the server running on that host and accepting TCP/IP connections?\n (101) (SQLDriverConnect)",
        K.CONNECT,
    ),
    (
        pyodbc.OperationalError,
        "08S01",
        "[08S01] [ma-3.1.15]Lost connection to server at 'handshake: reading "
        "initial communication packet', system error: 110 (2013) (SQLDriverConnect)",
        K.CONNECT,
    ),
    (
        pyodbc.OperationalError,
        "08001",
        '[08001] connection to server at "127.0.0.1", port 5 failed: timeout expired\n (101) (SQLDriverConnect)',
        K.CONNECT,
    ),
    (pyodbc.Error, "HY000", "[HY000] [SQLite]connect failed (14) (SQLDriverConnect)", K.CONNECT),
]

EXECUTE = [
    (
        pyodbc.Error,
        "HY018",
        "[HY018] [ma-3.1.15][10.11.19-MariaDB-0+deb12u1]Query execution was interrupted "
        "(max_statement_time exceeded) (1969) (SQLExecDirectW)",
        K.TIMEOUT,
    ),
    (
        pyodbc.Error,
        "HY018",
        "[HY018] [ma-3.1.15][10.11.19-MariaDB-0+deb12u1]Query execution was interrupted (1317) (SQLExecDirectW)",
        K.TIMEOUT,
    ),
    (
        pyodbc.Error,
        "57014",
        "[57014] ERROR: canceling statement due to statement timeout;\nError while executing "
        "the query (1) (SQLExecDirectW)",
        K.TIMEOUT,
    ),
    (
        pyodbc.OperationalError,
        "HYT00",
        "[HYT00] [FreeTDS][SQL Server]Query timeout expired (0) (SQLExecDirectW)",
        K.TIMEOUT,
    ),
    (
        pyodbc.OperationalError,
        "08S01",
        "[08S01] [ma-3.1.15][10.11.19-MariaDB-0+deb12u1]Lost connection to server during query (2013) (SQLExecDirectW)",
        K.LOST_CONNECTION,
    ),
    (
        pyodbc.OperationalError,
        "08003",
        "[08003] [ma-3.1.15]Connection not open (0) (SQLAllocHandle)",
        K.LOST_CONNECTION,
    ),
    (
        pyodbc.Error,
        "HY000",
        "[HY000] [ma-3.1.15][10.11.19-MariaDB-0+deb12u1]Write error: Connection reset by "
        "peer (104) (5014) (SQLExecDirectW)",
        K.LOST_CONNECTION,
    ),
    (pyodbc.Error, "HY000", "[HY000] [ma-3.1.15]MySQL server has gone away (2006) (SQLExecDirectW)", K.LOST_CONNECTION),
    (
        pyodbc.Error,
        "57P01",
        "[57P01] FATAL: terminating connection due to administrator command;\nThe connection "
        "has been lost (35) (SQLExecDirectW)",
        K.LOST_CONNECTION,
    ),
    (
        pyodbc.OperationalError,
        "08S01",
        "[08S01] SQLExecDirectW unable due to the connection lost (35) (SQLExecDirectW)",
        K.LOST_CONNECTION,
    ),
    (
        pyodbc.ProgrammingError,
        "42000",
        "[42000] [ma-3.1.15][10.11.19-MariaDB-0+deb12u1]You have an error in your "
        "SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use "
        "near 'SELEC 1' at line 1 (1064) (SQLExecDirectW)",
        K.SYNTAX,
    ),
    (
        pyodbc.ProgrammingError,
        "42601",
        '[42601] ERROR: syntax error at or near "SELEC";\nError while executing the query (1) (SQLExecDirectW)',
        K.SYNTAX,
    ),
    (pyodbc.Error, "HY000", '[HY000] [SQLite]near "SELEC": syntax error (1) (1) (SQLExecDirectW)', K.SYNTAX),
    (
        pyodbc.ProgrammingError,
        "42S02",
        "[42S02] [ma-3.1.15][10.11.19-MariaDB-0+deb12u1]Table "
        "'ccweb_test.nosuchtable' doesn't exist (1146) (SQLExecDirectW)",
        K.DATABASE,
    ),
    (
        pyodbc.DataError,
        "22012",
        "[22012] ERROR: division by zero;\nError while executing the query (1) (SQLExecDirectW)",
        K.DATABASE,
    ),
    (pyodbc.Error, "HY000", "[HY000] [SQLite]no such table: nosuchtable (1) (1) (SQLExecDirectW)", K.DATABASE),
]


@pytest.mark.parametrize(("cls", "state", "text", "kind"), CONNECT)
def test_connect_errors(cls, state, text, kind):
    """Unknown DSN or driver, refused credentials, and anything else while connecting (CONNECT)."""
    error = classify(cls(state, text), phase="connect", name="Acct_Data")
    assert error.kind is kind
    assert (error.sqlstate, error.driver_message) == (state, text)
    assert error.message.startswith("Could not connect to Acct_Data: ")


@pytest.mark.parametrize(("cls", "state", "text", "kind"), EXECUTE)
def test_statement_errors(cls, state, text, kind):
    """Timeouts, lost connections and syntax are told apart from other database errors, whatever the class."""
    error = classify(cls(state, text), phase="execute", name="Acct_Data", timeout=1)
    assert error.kind is kind
    assert (error.sqlstate, error.driver_message) == (state, text)
    assert "Acct_Data" in error.message


def test_pyodbc_own_closed_connection_error_is_a_lost_connection():
    error = classify(pyodbc.ProgrammingError("Attempt to use a closed connection."), phase="execute")
    assert (error.kind, error.sqlstate) == (K.LOST_CONNECTION, "")


def test_the_readable_text_drops_driver_decoration_but_driver_message_keeps_it():
    text = EXECUTE[-3][2]
    error = classify(pyodbc.Error("42S02", text), phase="execute", name="Acct_Data")
    assert readable(text) == "Table 'ccweb_test.nosuchtable' doesn't exist"
    assert error.message == "Acct_Data reported an error: Table 'ccweb_test.nosuchtable' doesn't exist"
    assert readable(EXECUTE[2][2]) == "canceling statement due to statement timeout"
    assert error.as_dict()["driver_message"] == text


def test_timeout_message_names_the_limit():
    error = classify(pyodbc.Error("57014", EXECUTE[2][2]), phase="execute", name="Acct_Data", timeout=1)
    assert "within 1 s" in error.message
