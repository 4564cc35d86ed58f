"""Reading settings from the environment, and secrets generated once into var/."""

import base64
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from core.envvars import int_setting


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number from the environment; a clear error names the variable when it is not one."""
    return int_setting(os.environ, name, default, minimum=minimum)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def generated_secret(path: Path, *, fernet: bool = False) -> str:
    """Return the secret stored at `path`, creating it (mode 0600) on first start.

    Creation uses O_EXCL so that several processes starting at once agree on one key.
    """
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() if fernet else secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def database_from_url(url: str, *, conn_max_age: int = 0) -> dict[str, Any]:
    """Django DATABASES entry for `url`; mssql:// selects mssql-django, the maintained SQL Server backend."""
    config = dj_database_url.parse(url, conn_max_age=conn_max_age)
    if config["ENGINE"] == "sql_server.pyodbc":  # dj-database-url still names the retired django-mssql-backend
        config["ENGINE"] = "mssql"
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Why: the embedded database is written by every process at once (each media child closes its call
        # records). WAL lets readers and one writer work together; IMMEDIATE takes the write lock when a
        # transaction starts, so a busy database waits its `timeout` instead of failing at once with
        # "database is locked" (a deferred transaction upgrading to write ignores the timeout).
        options = config.setdefault("OPTIONS", {})
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", 30)
        options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    return dict(config)
