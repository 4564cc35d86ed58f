"""Settings come from the environment; secrets are generated once into var/."""

import os
import stat

from ccweb.settings.env import env_bool, env_list, generated_secret


def test_generated_secret_is_created_once_private(tmp_path):
    path = tmp_path / "secret_key"
    first = generated_secret(path)
    assert len(first) > 40
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert generated_secret(path) == first


def test_fernet_secret_is_a_valid_key(tmp_path):
    from cryptography.fernet import Fernet

    Fernet(generated_secret(tmp_path / "k", fernet=True).encode())


def test_env_parsing(monkeypatch):
    monkeypatch.setenv("X_LIST", " a, b ,,c")
    monkeypatch.setenv("X_BOOL", "Yes")
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    assert env_bool("X_BOOL", False) is True
    assert env_bool("X_MISSING", True) is True
    monkeypatch.setenv("X_BOOL", "0")
    assert env_bool("X_BOOL", True) is False


def test_database_urls():
    from ccweb.settings.env import database_from_url

    assert database_from_url("mssql://u:p@db:1433/cc?driver=FreeTDS")["ENGINE"] == "mssql"
    assert database_from_url("postgres://u:p@127.0.0.1:5432/cc")["ENGINE"] == "django.db.backends.postgresql"
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"


def test_the_embedded_sqlite_database_waits_for_its_write_lock_instead_of_failing(tmp_path):
    """Many processes write the embedded database at once (media children closing call records): two
    writers, the second must wait for the first, not fail with "database is locked"."""
    import sqlite3
    import threading
    import time

    from ccweb.settings.env import database_from_url

    options = database_from_url(f"sqlite:///{tmp_path / 'x.sqlite3'}")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(
            tmp_path / "x.sqlite3", timeout=options["timeout"], isolation_level=None, check_same_thread=False
        )
        conn.executescript(options["init_command"])
        return conn

    first, second = connect(), connect()
    first.execute("CREATE TABLE t (v INTEGER)")
    first.execute(f"BEGIN {options['transaction_mode']}")
    first.execute("INSERT INTO t VALUES (1)")
    threading.Timer(0.5, lambda: first.execute("COMMIT")).start()
    started = time.monotonic()
    second.execute(f"BEGIN {options['transaction_mode']}")  # waits for the first writer's commit
    second.execute("INSERT INTO t VALUES (2)")
    second.execute("COMMIT")
    assert time.monotonic() - started >= 0.4
    assert [row[0] for row in second.execute("SELECT v FROM t ORDER BY v")] == [1, 2]
    assert second.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
