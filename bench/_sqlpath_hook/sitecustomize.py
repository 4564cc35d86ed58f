"""Measuring hooks for bench/sql_path.py, loaded by every Python process it starts (PYTHONPATH).

Inactive unless CCWEB_BENCH_SQLPATH_REDIS is set. Then, once Django is set up:
- `GatewaySqlPort(via_worker=…)` takes the path the bench asks for (CCWEB_BENCH_SQL_VIA_WORKER=0/1), so that
  one build of the code runs both paths; nothing else in the port changes.
- Each port's connect()/execute() runs with a step id (the port's: one per script context, i.e. per call
  here) in a context variable. asyncio.to_thread copies it into the thread that does the work in-process;
  a header carries it to the Celery worker (before_task_publish -> task_prerun).
- Every pool checkout (`Pool.acquire`) is recorded: its step, how long it took, whether it had to wait
  for a permit (no idle connection of this process free at once and no permit on the first try: every
  permit was held), and whether it opened a new ODBC connection (and how long that took).
Records go to the Redis list `bench:sqlpath:events` (JSON, batched by a thread every 0.25 s).
"""

from __future__ import annotations

import contextvars
import json
import os
import sys
import threading
import time

_URL = os.environ.get("CCWEB_BENCH_SQLPATH_REDIS")
KEY = "bench:sqlpath:events"
STEP: contextvars.ContextVar[str | None] = contextvars.ContextVar("bench_sql_step", default=None)
_local = threading.local()
_buffer: list[str] = []
_lock = threading.Lock()
_flusher_pid = 0


def _proc() -> str:
    argv = " ".join(sys.argv)
    if "celery" in argv:
        return "worker"
    if "media_worker" in argv:
        return "child"
    return "other"


def record(**fields) -> None:
    global _flusher_pid
    fields.update(proc=_proc(), pid=os.getpid(), at=time.time())
    with _lock:
        _buffer.append(json.dumps(fields))
        if _flusher_pid != os.getpid():
            _flusher_pid = os.getpid()
            threading.Thread(target=_flush_forever, name="bench-sqlpath-flush", daemon=True).start()


def _flush_forever() -> None:
    import redis

    client = redis.Redis.from_url(_URL)
    while True:
        time.sleep(0.25)
        with _lock:
            batch = _buffer[:]
            del _buffer[:]
        if batch:
            try:
                client.rpush(KEY, *batch)
            except redis.RedisError:
                with _lock:
                    _buffer[:0] = batch


def _install() -> None:
    from celery import signals

    from scripts_app.runtime import sql_port
    from scripts_app.sql import pool
    from scripts_app.sql.permits import Permits

    via_env = os.environ.get("CCWEB_BENCH_SQL_VIA_WORKER")
    port_class = sql_port.GatewaySqlPort
    original_init, original_connect, original_execute = port_class.__init__, port_class.connect, port_class.execute

    def __init__(self, *args, **kwargs):
        if via_env is not None:
            kwargs["via_worker"] = via_env == "1"
        original_init(self, *args, **kwargs)
        self._bench_step = os.urandom(6).hex()

    async def connect(self, connection):
        token = STEP.set(self._bench_step)
        started = time.perf_counter()
        try:
            return await original_connect(self, connection)
        finally:
            record(kind="port", op="connect", step=self._bench_step, ms=(time.perf_counter() - started) * 1000)
            STEP.reset(token)

    async def execute(self, connection, statement, profile, **kwargs):
        token = STEP.set(self._bench_step)
        started = time.perf_counter()
        try:
            return await original_execute(self, connection, statement, profile, **kwargs)
        finally:
            record(kind="port", op="execute", step=self._bench_step, ms=(time.perf_counter() - started) * 1000)
            STEP.reset(token)

    port_class.__init__, port_class.connect, port_class.execute = __init__, connect, execute

    original_try, original_acquire, original_open = Permits.try_acquire, pool.Pool.acquire, pool.Pool._open

    def try_acquire(self, key, member, limit):
        got = original_try(self, key, member, limit)
        state = getattr(_local, "checkout", None)
        if state is not None and state["first_try"] is None:
            state["first_try"] = got
        return got

    def _open(self, member, deadline):
        started = time.perf_counter()
        try:
            return original_open(self, member, deadline)
        finally:
            state = getattr(_local, "checkout", None)
            if state is not None:
                state["open_ms"] = (time.perf_counter() - started) * 1000

    def acquire(self, *, deadline):
        with self.lock:
            at_once = bool(self.idle) and not self.waiters
        state = _local.checkout = {"first_try": None, "open_ms": None}
        started = time.perf_counter()
        error = ""
        try:
            return original_acquire(self, deadline=deadline)
        except BaseException as exc:
            error = type(exc).__name__
            raise
        finally:
            _local.checkout = None
            record(
                kind="checkout",
                step=STEP.get(),
                waited=not at_once and state["first_try"] is not True,
                ms=(time.perf_counter() - started) * 1000,
                open_ms=state["open_ms"],
                error=error,
            )

    Permits.try_acquire, pool.Pool.acquire, pool.Pool._open = try_acquire, acquire, _open

    @signals.before_task_publish.connect(weak=False)
    def _carry_step(headers=None, **_kwargs):
        if headers is not None and STEP.get() is not None:
            headers["bench_sql_step"] = STEP.get()

    @signals.task_prerun.connect(weak=False)
    def _take_step(task=None, **_kwargs):
        _local.task_token = STEP.set(getattr(task.request, "bench_sql_step", None))

    @signals.task_postrun.connect(weak=False)
    def _drop_step(**_kwargs):
        token = getattr(_local, "task_token", None)
        if token is not None:
            STEP.reset(token)
            _local.task_token = None


if _URL:
    import django

    _setup = django.setup

    def setup(*args, **kwargs):
        _setup(*args, **kwargs)
        if not getattr(django, "_bench_sqlpath_installed", False):
            django._bench_sqlpath_installed = True
            _install()

    django.setup = setup
