"""Connecting through unixODBC by connection string and by DSN (ccweb's own odbc.ini), and the typed failures."""

import socket

import pytest
from django.conf import settings as django_settings

from core.services import service_for
from scripts_app.models import DatabaseConnection
from scripts_app.sql import executor, odbc_config
from scripts_app.sql.connect import settings_for
from scripts_app.sql.types import BoundStatement, SqlError, SqlErrorKind
from tests.sql_databases import make_database_connection

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
DBMS = {"mariadb": "MariaDB", "postgresql": "PostgreSQL", "sqlite": "SQLite"}
SERVERS = pytest.mark.parametrize("odbc_server", ["mariadb", "postgresql"], indirect=True)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_string_connects_and_probe_reports_driver_and_server(odbc_database):
    """Test connection: driver and DBMS names and versions, and the time it took."""
    info = executor.probe(odbc_database.settings())
    assert info["dbms_name"] == DBMS[odbc_database.kind]
    assert info["driver_name"].endswith(".so") and info["driver_version"] and info["dbms_version"]
    assert 0 < info["elapsed_ms"] < 5000


def test_dsn_in_ccweb_odbc_ini_connects_with_system_drivers(odbc_database):
    """A DSN written into CCWEB_CONFIG_DIR/odbc.ini works; its Driver= comes from /etc/odbcinst.ini (merged)."""
    config = django_settings.CCWEB_CONFIG_DIR
    config.mkdir(parents=True, exist_ok=True)
    dsn = f"Acct Data {odbc_database.kind}"  # a space in the name: quoted as {…}
    (config / "odbc.ini").write_text(odbc_database.server.dsn_section(dsn))
    connection = odbc_database.make_connection(dsn=dsn)
    result = executor.execute(settings_for(connection), BoundStatement("SELECT ? AS echo", ("VARCHAR ok",)))
    assert (result.columns, result.rows) == (["echo"], [["VARCHAR ok"]])
    generated = odbc_config.generated_dir()
    assert f"[{dsn}]" in (generated / "odbc.ini").read_text()
    assert "[MariaDB Unicode]" in (generated / "odbcinst.ini").read_text()


def test_unknown_dsn_is_unknown_dsn(db, sql_pool):
    connection = service_for(DatabaseConnection).create(
        data={"name": "Ghost", "dsn": "no_such_dsn", "database_type": "mysql", "timeout": 2}
    )
    with pytest.raises(SqlError) as caught:
        executor.execute(settings_for(connection), BoundStatement("SELECT 1"))
    assert (caught.value.kind, caught.value.sqlstate) == (SqlErrorKind.UNKNOWN_DSN, "IM002")
    assert caught.value.message.startswith("Could not connect to Ghost: ")
    assert "Data source name not found" in caught.value.driver_message


def test_unknown_driver_is_unknown_dsn(db, sql_pool):
    connection = service_for(DatabaseConnection).create(
        data={"name": "NoDriver", "dsn": "Driver={No Such Driver};Server=x", "database_type": "other", "timeout": 2}
    )
    with pytest.raises(SqlError) as caught:
        executor.probe(settings_for(connection))
    assert caught.value.kind is SqlErrorKind.UNKNOWN_DSN


@pytest.mark.parametrize("odbc_server", ["mariadb"], indirect=True)
def test_password_with_separators_is_quoted_and_a_wrong_one_is_auth(odbc_database):
    """The login's password contains ; { } =, so connecting at all proves the quoting; a wrong one is AUTH."""
    assert set(";{}=") <= set(odbc_database.server.password)
    executor.execute(odbc_database.settings(), BoundStatement("SELECT 1"))
    wrong = odbc_database.make_connection(password="not-the-password")
    with pytest.raises(SqlError) as caught:
        executor.execute(settings_for(wrong), BoundStatement("SELECT 1"))
    assert (caught.value.kind, caught.value.sqlstate) == (SqlErrorKind.AUTH, "28000")
    assert "Access denied" in caught.value.driver_message


@pytest.mark.parametrize("odbc_server", ["postgresql"], indirect=True)
def test_unknown_login_on_postgresql_is_auth(odbc_database):
    """The test server trusts local connections (pg_hba), so the refused credential here is the login name."""
    wrong = odbc_database.make_connection(username="no_such_login")
    with pytest.raises(SqlError) as caught:
        executor.execute(settings_for(wrong), BoundStatement("SELECT 1"))
    assert caught.value.kind is SqlErrorKind.AUTH
    assert 'role "no_such_login" does not exist' in caught.value.driver_message


@SERVERS
def test_database_down_is_connect(odbc_database):
    """Nothing listens on the port: CONNECT, quickly, with the driver's own words."""
    server = odbc_database.server
    text = server.connection_string().replace(f"Port={server.port}", f"Port={closed_port()}")
    down = make_database_connection(server, name="Down", dsn=text, timeout=2)
    with pytest.raises(SqlError) as caught:
        executor.execute(settings_for(down), BoundStatement("SELECT 1"))
    assert caught.value.kind is SqlErrorKind.CONNECT
    assert caught.value.driver_message and caught.value.message.startswith("Could not connect to Down: ")


@pytest.mark.parametrize("odbc_server", ["sqlite"], indirect=True)
def test_sqlite_file_that_cannot_be_created_is_connect(odbc_database):
    bad = odbc_database.make_connection(dsn="Driver={SQLite3};Database=/nonexistent/dir/crm.db;NoCreat=1")
    with pytest.raises(SqlError) as caught:
        executor.execute(settings_for(bad), BoundStatement("SELECT 1"))
    assert caught.value.kind is SqlErrorKind.CONNECT
