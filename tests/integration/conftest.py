import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300
    )


def wait_until(check, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def stack_env(tmp_path_factory):
    """Environment of a separate ccweb installation: its own var/ dir, SQLite database and Redis db 15."""
    var = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "CCWEB_VAR_DIR": str(var),
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "CCWEB_ADMIN_USER": "director",
        "CCWEB_ADMIN_PASSWORD": "integration-pass-1",
        "DJANGO_SETTINGS_MODULE": "ccweb.settings",
    }
    env.pop("DATABASE_URL", None)
    return env


def start(env: dict[str, str], args: list[str], log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def asgi_url():
    """The browser tests' daphne (tests/integration/browser.py), started once per session."""
    from tests.integration.browser import asgi_server

    with asgi_server() as url:
        yield url
