"""The same column reads back as the same profile text from MariaDB, PostgreSQL and SQLite."""

import pytest

from scripts_app.sql import executor
from scripts_app.sql.types import BoundStatement, SqlError, SqlErrorKind

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
TYPES = {
    "mariadb": {"timestamp": "DATETIME", "float": "DOUBLE", "blob": "BLOB"},
    "postgresql": {"timestamp": "TIMESTAMP", "float": "DOUBLE PRECISION", "blob": "BYTEA"},
    "sqlite": {"timestamp": "TIMESTAMP", "float": "DOUBLE", "blob": "BLOB"},
}
UNICODE = 'Zoë 日本 😀 x\'y\\z "q"'


@pytest.fixture
def accounts(odbc_database):
    t = TYPES[odbc_database.kind]
    odbc_database.admin_execute("DROP TABLE IF EXISTS accounts")
    odbc_database.admin_execute(
        "CREATE TABLE accounts (id INTEGER, balance DECIMAL(12,2), rate NUMERIC(10,3), name VARCHAR(60), "
        f"opened DATE, at_time TIME, seen {t['timestamp']}, ratio {t['float']}, vip BOOLEAN, note VARCHAR(20), "
        f"raw {t['blob']})"
    )
    odbc_database.admin_execute(
        "INSERT INTO accounts VALUES (1, '15234.50', '1.500', 'Dana', '2024-01-02', '03:04:05', "
        "'2024-01-02 03:04:05', 2.5, TRUE, NULL, NULL)"
    )
    odbc_database.admin_execute(
        "INSERT INTO accounts VALUES (2, '880', '7', 'Omar', '2024-12-31', '23:59:59', "
        "'2024-12-31 23:59:59', 2.0, FALSE, '', NULL)"
    )
    return odbc_database


def test_decimal_15234_50_reads_back_as_15234_50_everywhere(accounts):
    """SQLite's driver returns DECIMAL(12,2) as text without its scale ("15234.5"); the others as Decimal."""
    result = executor.execute(accounts.settings(), BoundStatement("SELECT balance FROM accounts WHERE id = ?", (1,)))
    assert result.rows == [["15234.50"]]


def test_every_type_has_one_text_form(accounts):
    result = executor.execute(
        accounts.settings(),
        BoundStatement(
            "SELECT a.id, a.balance, a.rate AS r, name, opened, at_time, seen, ratio, vip, note "
            "FROM accounts a ORDER BY id"
        ),
    )
    assert result.columns == ["id", "balance", "r", "name", "opened", "at_time", "seen", "ratio", "vip", "note"]
    assert result.rows == [
        ["1", "15234.50", "1.500", "Dana", "2024-01-02", "03:04:05", "2024-01-02 03:04:05", "2.5", "1", ""],
        ["2", "880.00", "7.000", "Omar", "2024-12-31", "23:59:59", "2024-12-31 23:59:59", "2", "0", ""],
    ]
    assert (result.rowcount, result.is_query) == (2, True)


def test_star_select_keeps_the_declared_scale(accounts):
    result = executor.execute(accounts.settings(), BoundStatement("SELECT * FROM accounts WHERE id = 2"))
    assert result.rows[0][:3] == ["2", "880.00", "7.000"]


@pytest.mark.parametrize("unicode_parameters", [False, True])
def test_unicode_text_round_trips_as_varchar_and_as_nvarchar(accounts, unicode_parameters):
    """Bound as VARCHAR (utf-8, the default) or NVARCHAR (utf-16): written and found again unchanged."""
    settings = accounts.settings(accounts.make_connection(unicode_parameters=unicode_parameters))
    write = executor.execute(settings, BoundStatement("UPDATE accounts SET name = ? WHERE id = ?", (UNICODE, 2)))
    assert (write.rowcount, write.is_query, write.columns) == (1, False, [])
    found = executor.execute(settings, BoundStatement("SELECT id, name FROM accounts WHERE name = ?", (UNICODE,)))
    assert found.rows == [["2", UNICODE]]
    assert accounts.admin_query("SELECT name FROM accounts WHERE id = 2") == [(UNICODE,)]


def test_null_and_empty_both_read_as_empty_and_a_10_kb_value_survives(accounts):
    big = "A" * 10_000
    accounts.admin_execute("DROP TABLE IF EXISTS notes")
    accounts.admin_execute("CREATE TABLE notes (id INTEGER, body VARCHAR(12000))")
    insert = BoundStatement("INSERT INTO notes VALUES (?, ?), (?, ?), (?, ?)", (1, big, 2, None, 3, ""))
    assert executor.execute(accounts.settings(), insert).rowcount == 3
    rows = executor.execute(accounts.settings(), BoundStatement("SELECT body FROM notes ORDER BY id")).rows
    assert rows == [[big], [""], [""]]


def test_more_than_max_rows_is_an_error_not_a_silently_short_result(accounts, monkeypatch):
    monkeypatch.setattr(executor, "MAX_ROWS", 1)
    with pytest.raises(SqlError, match="more than 1 rows") as caught:
        executor.execute(accounts.settings(), BoundStatement("SELECT id FROM accounts"))
    assert caught.value.kind is SqlErrorKind.DATABASE
    assert executor.execute(accounts.settings(), BoundStatement("SELECT id FROM accounts WHERE id = 1")).rowcount == 1
