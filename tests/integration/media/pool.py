"""A media worker pool behind a Kamailio front, as `make run` starts them, for the end-to-end tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.integration.media import child_helpers as h
from tests.integration.media import sipfront_helpers as f

ROOT = h.ROOT

#: the marks of an end-to-end module (real sipp, sox, espeak-ng and kamailio)
END_TO_END = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not (shutil.which("sipp") and shutil.which("sox") and shutil.which("espeak-ng") and f.kamailio_available()),
        reason="needs sipp, sox, espeak-ng and kamailio",
    ),
]


def installation_env(var: Path, redis_db: int, name: str) -> dict[str, str]:
    """The environment of a separate installation for an end-to-end module: its own var/ (file SQLite), a
    Redis database and an ACD key prefix of its own (never flushed: another run may share the database)."""
    env = {
        **os.environ,
        "CCWEB_VAR_DIR": str(var),
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "CCWEB_ACD_REDIS_PREFIX": f"ccweb:{name}:{uuid.uuid4().hex[:12]}:",
        "DJANGO_SETTINGS_MODULE": "ccweb.settings",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """`manage.py <args>` of an installation of its own (env: its CCWEB_VAR_DIR, REDIS_URL...); its stdout."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@contextmanager
def media_pool(
    env: dict[str, str],
    work: Path,
    children: int,
    *,
    ready_s: float = 40,
    front_options: dict[str, Any] | None = None,
) -> Iterator[tuple[Any, Path]]:
    """`manage.py media_worker` with `children` children on free ports, the Celery worker of queue `sql` (live
    calls run their SQL there, as under `make run`), then the front in front of them (`front_options`: more
    SipFront fields, see tests/integration/phones.py); yields (front, the pool's log) and stops them all."""
    base = h.free_port_block(children)
    log = work / "media_worker.log"
    with log.open("wb") as out, (work / "sql_worker.log").open("wb") as worker_out:
        media = subprocess.Popen(
            [sys.executable, "manage.py", "media_worker", "--processes", str(children), "--base-port", str(base)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "ccweb", "worker", "-Q", "sql"]
            + ["--pool", "threads", "--concurrency", "4", "-l", "warning"],
            cwd=ROOT,
            env=env,
            stdout=worker_out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    front = None
    try:
        deadline = time.monotonic() + ready_s
        while log.read_text(errors="replace").count("ready {") < children:
            assert media.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        front = f.start_front(work, [f"sip:127.0.0.1:{base + i}" for i in range(children)], **(front_options or {}))
        yield front, log
    finally:
        if front is not None:
            front.stop()
        f.stop_process(media)
        f.stop_process(worker)
