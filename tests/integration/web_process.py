"""The `web` process of the Procfile (daphne serving ccweb.asgi) for an installation of a test's own."""

from __future__ import annotations

import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.integration.conftest import free_port, start, stop, wait_until


def reachable(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


@contextmanager
def web_process(env: dict[str, str], log: Path) -> Iterator[str]:
    """daphne on a free port of 127.0.0.1 with the installation's `env`; yields its base URL once the login
    page answers, stops it after."""
    port = free_port()
    daphne = str(Path(sys.executable).parent / "daphne")
    proc = start(env, [daphne, "-b", "127.0.0.1", "-p", str(port), "ccweb.asgi:application"], log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: reachable(base + "/ccd/login/"), 60, f"daphne on {port} (log: {log.read_text()})")
        yield base
    finally:
        stop(proc)
