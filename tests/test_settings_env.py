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
