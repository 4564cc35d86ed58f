"""Real databases for these tests; drop the import once tests/conftest.py registers tests.sql_databases."""

from tests.sql_databases import odbc_database, odbc_server, sql_pool  # noqa: F401
