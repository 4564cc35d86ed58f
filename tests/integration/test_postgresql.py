"""DATABASE_URL selects PostgreSQL: the migrations, Table 1 seed included, run there too."""

import psycopg
import pytest

from tests.integration.conftest import manage

pytestmark = pytest.mark.integration
ADMIN = "postgresql://ccweb:ccweb@127.0.0.1:5432/postgres"
NAME = "ccweb_migrate_check"


def test_migrations_seed_table_1_on_postgresql(stack_env):
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME}")
        conn.execute(f"CREATE DATABASE {NAME}")
    try:
        env = {**stack_env, "DATABASE_URL": f"postgres://ccweb:ccweb@127.0.0.1:5432/{NAME}"}
        manage(env, "migrate", "--no-input")
        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as conn:
            rows = conn.execute(
                "SELECT name, tapi_property FROM acd_callprofilefield WHERE kind = 'mandatory' ORDER BY position"
            ).fetchall()
        assert len(rows) == 43
        assert rows[0] == ("ANI", "_STCC_ANI") and ("Call Type", "_STCC_Type") in rows
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {NAME}")
