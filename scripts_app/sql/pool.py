"""Connection pools: never more than Simultaneous Connections open per database, across every process.

- Permits: a Redis semaphore (atomic Lua scripts, below). One permit per OPEN connection,
  held as a lease that expires unless its process renews it, so a crashed process's permits come back.
- Per process and per DatabaseConnection, a `Pool`: idle connections reused last-in first-out;
  callers wait in FIFO order until their deadline (then POOL_TIMEOUT). A connection given back
  goes straight to the oldest local waiter.
- A reaper thread (every REAP_INTERVAL): closes connections idle for Timeout seconds (the guide's
  meaning of Timeout), closes idle connections at once when a caller in another process is waiting
  (so permits move to where the work is), and renews leases.
- Settings that change (a DatabaseConnection edited) retire the old pool: its idle connections close
  now, busy ones when given back. `reset()` does the same for every pool (tests, shutdown).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import redis

from scripts_app.sql import errors
from scripts_app.sql.connect import ConnectionSettings, OdbcConnection
from scripts_app.sql.permits import Permits
from scripts_app.sql.types import SqlError, SqlErrorKind

log = logging.getLogger(__name__)

REAP_INTERVAL = 0.1
POLL_INTERVAL = 0.02  # how often the first local waiter asks Redis for a permit
ABANDON_HOLD = 60.0  # a connection whose driver never returned keeps its permit at most this long


@dataclass
class _Waiter:
    event: threading.Event
    connection: OdbcConnection | None = None


class Pool:
    """This process's connections to one database (one `ConnectionSettings`)."""

    def __init__(self, manager: PoolManager, settings: ConnectionSettings) -> None:
        self.manager = manager
        self.settings = settings
        self.key = settings.key
        self.lock = threading.Lock()
        self.idle: list[OdbcConnection] = []  # LIFO: the most recently used is reused first
        self.members: dict[str, OdbcConnection] = {}  # every connection holding a permit
        self.waiters: deque[_Waiter] = deque()
        self.retired = False
        self.others_waiting = False
        self.last_renewal = time.monotonic()

    # -- taking and giving back ------------------------------------------------------------------

    def acquire(self, *, deadline: float) -> OdbcConnection:
        with self.lock:
            self._check_retired()
            if self.idle and not self.waiters:
                return self.idle.pop()
            waiter = _Waiter(threading.Event())
            self.waiters.append(waiter)
        wait_member = f"{self.manager.process_id}:{id(waiter)}"
        registered = False
        try:
            while True:
                with self.lock:
                    if waiter.connection is not None:
                        return waiter.connection
                    self._check_retired()
                    first = self.waiters[0] is waiter
                    if first and self.idle:
                        self.waiters.popleft()
                        self._wake_first()
                        return self.idle.pop()
                remaining = deadline - time.monotonic()
                if first:
                    member = f"{self.manager.process_id}:{uuid.uuid4().hex[:12]}"
                    if self.manager.call_redis(self.manager.permits.try_acquire, self.key, member, self._limit()):
                        with self.lock:
                            if waiter.connection is not None:  # handed one meanwhile: give the permit back
                                self.manager.call_redis(self.manager.permits.release, self.key, member)
                                return waiter.connection
                            self.waiters.remove(waiter)
                            self._wake_first()
                        return self._open(member, deadline)
                    if not registered and remaining > 0:
                        self.manager.call_redis(self.manager.permits.wait, self.key, wait_member, remaining)
                        registered = True
                if remaining <= 0:
                    with self.lock:
                        if waiter.connection is not None:
                            return waiter.connection
                    raise errors.pool_timeout_error(self.settings.label, self._limit())
                waiter.event.wait(min(remaining, POLL_INTERVAL) if first else remaining)
                waiter.event.clear()
        except BaseException:
            # Retired, Redis unreachable, connect failed…: leave the queue, and give back what was handed over.
            with self.lock:
                handed, waiter.connection = waiter.connection, None
                if waiter in self.waiters:
                    self.waiters.remove(waiter)
                    self._wake_first()
            if handed is not None:
                self.release(handed)
            raise
        finally:
            if registered:
                with contextlib.suppress(SqlError):
                    self.manager.call_redis(self.manager.permits.stop_waiting, self.key, wait_member)

    def release(self, connection: OdbcConnection) -> None:
        """Give a connection back: to the first waiter, to the idle list, or closed when it must go."""
        connection.last_used = time.monotonic()
        with self.lock:
            keep = not (connection.broken or connection.lost_permit or connection.closing or self.retired)
            # Someone in another process waits: let the permit go there (our waiters compete for it too).
            if keep and not self.others_waiting:
                if self.waiters:
                    waiter = self.waiters.popleft()
                    waiter.connection = connection
                    waiter.event.set()
                    self._wake_first()
                else:
                    self.idle.append(connection)
                return
        connection.close()

    def _open(self, member: str, deadline: float) -> OdbcConnection:
        connection = OdbcConnection(self.settings, on_closed=self._closed)
        connection.member = member
        with self.lock:
            self.members[member] = connection
        connection.connect(deadline=deadline)  # on failure _closed releases the permit
        return connection

    def _closed(self, connection: OdbcConnection) -> None:
        """On the connection's thread, once it is closed: the permit goes back."""
        with self.lock:
            self.members.pop(connection.member, None)
            if connection in self.idle:
                self.idle.remove(connection)
        if not connection.lost_permit:
            with contextlib.suppress(SqlError):
                self.manager.call_redis(self.manager.permits.release, self.key, connection.member)
        with self.lock:
            self._wake_first()

    def _wake_first(self) -> None:
        if self.waiters:
            self.waiters[0].event.set()

    def _limit(self) -> int:
        return max(1, self.settings.max_connections)

    def _check_retired(self) -> None:
        if self.retired:
            raise _Retired

    # -- housekeeping ----------------------------------------------------------------------------

    def retire(self) -> None:
        with self.lock:
            self.retired = True
            idle, self.idle = self.idle, []
            waiters = list(self.waiters)
        for connection in idle:
            connection.close()
        for waiter in waiters:
            waiter.event.set()

    def reap(self, now: float) -> None:
        with self.lock:
            expired = [c for c in self.idle if now - c.last_used >= self.settings.timeout]
            for connection in expired:
                self.idle.remove(connection)
            has_members = bool(self.members)
        for connection in expired:
            connection.close()
        if not has_members:
            self.others_waiting = False
            return
        others = self.manager.call_redis(self.manager.permits.others_waiting, self.key, self.manager.process_id + ":")
        self.others_waiting = bool(others)
        if others:
            with self.lock:
                idle, self.idle = self.idle, []
            for connection in idle:
                connection.close()
        if now - self.last_renewal >= self.manager.lease_seconds / 4:
            self.last_renewal = now
            self._renew(now)

    def _renew(self, now: float) -> None:
        with self.lock:
            held = {
                member: connection
                for member, connection in self.members.items()
                if connection.alive
                and not connection.lost_permit
                and (connection.abandoned_at is None or now - connection.abandoned_at < ABANDON_HOLD)
            }
        if not held:
            return
        lost = self.manager.call_redis(self.manager.permits.renew, self.key, list(held), self._limit())
        for member in lost:
            connection = held[member]
            log.warning("connection %s to %s lost its permit (lease expired); closing it", member, self.key)
            connection.lost_permit = True
            with self.lock:
                if connection in self.idle:
                    self.idle.remove(connection)
                    connection.close()

    def stats(self) -> dict[str, int]:
        with self.lock:
            return {"open": len(self.members), "idle": len(self.idle), "waiting": len(self.waiters)}


class _Retired(Exception):
    """The pool was retired while a caller used it: take the current one."""


class PoolManager:
    """Every pool of this process, the Redis semaphore and the reaper thread."""

    def __init__(self, *, redis_url: str | None = None, prefix: str | None = None, lease_seconds: float = 10.0):
        self.redis_url = redis_url
        self.prefix = prefix
        self.lease_seconds = lease_seconds
        self.process_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.pools: dict[str, Pool] = {}
        self.retired: list[Pool] = []  # retired pools whose connections are still open (leases renewed)
        self.lock = threading.Lock()
        self._permits: Permits | None = None
        self._reaper: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def permits(self) -> Permits:
        if self._permits is None:
            url = self.redis_url
            prefix = self.prefix
            if url is None or prefix is None:
                from django.conf import settings

                url = url or settings.REDIS_URL
                prefix = prefix if prefix is not None else getattr(settings, "CCWEB_SQL_POOL_PREFIX", "ccweb:sql:")
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            self._permits = Permits(client, prefix, self.lease_seconds)
        return self._permits

    def call_redis(self, method: Any, *args: Any) -> Any:

        try:
            return method(*args)
        except redis.RedisError as exc:
            raise SqlError(
                SqlErrorKind.CONNECT,
                f"Could not check the connection limit: Redis is unreachable ({exc}).",
                driver_message=str(exc),
            ) from exc

    def pool(self, settings: ConnectionSettings) -> Pool:
        with self.lock:
            current = self.pools.get(settings.key)
            if current is not None and current.settings == settings:
                return current
            if current is not None:
                current.retire()
                self.retired.append(current)
            pool = self.pools[settings.key] = Pool(self, settings)
            self._start_reaper()
            return pool

    def acquire(self, settings: ConnectionSettings, *, deadline: float) -> tuple[Pool, OdbcConnection]:
        while True:
            pool = self.pool(settings)
            try:
                return pool, pool.acquire(deadline=deadline)
            except _Retired:
                continue

    def reset(self, key: str | None = None) -> None:
        with self.lock:
            keys = [key] if key is not None else list(self.pools)
            retired = [self.pools.pop(k) for k in keys if k in self.pools]
            self.retired.extend(retired)
        for pool in retired:
            pool.retire()

    def wait_closed(self, timeout: float = 5.0) -> bool:
        """After `reset()`: wait until connections given back are closed (tests)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not any(pool.members for pool in self._all_pools()):
                return True
            time.sleep(0.01)
        return False

    def _all_pools(self) -> list[Pool]:
        with self.lock:
            self.retired = [pool for pool in self.retired if pool.members]
            return list(self.pools.values()) + self.retired

    def _start_reaper(self) -> None:
        if self._reaper is None or not self._reaper.is_alive():
            self._reaper = threading.Thread(target=self._reap_forever, name="odbc-pool-reaper", daemon=True)
            self._reaper.start()

    def _reap_forever(self) -> None:
        while not self._stop.wait(REAP_INTERVAL):
            for pool in self._all_pools():
                try:
                    pool.reap(time.monotonic())
                except Exception:  # keep reaping the other pools; Redis may be back next time
                    log.exception("pool housekeeping failed for %s", pool.key)

    def stop(self) -> None:
        self._stop.set()


# The process's manager -------------------------------------------------------------------------

_manager: PoolManager | None = None
_manager_lock = threading.Lock()
_inherited: list[PoolManager] = []  # a forked child must never close its parent's connections


def manager() -> PoolManager:
    global _manager
    with _manager_lock:
        if _manager is None:
            _manager = PoolManager()
        return _manager


def configure(*, redis_url: str | None = None, prefix: str | None = None, lease_seconds: float = 10.0) -> PoolManager:
    """Start over with another Redis, key prefix or lease length; every current connection is retired."""
    global _manager
    with _manager_lock:
        old, _manager = _manager, PoolManager(redis_url=redis_url, prefix=prefix, lease_seconds=lease_seconds)
    if old is not None:
        old.reset()
        old.wait_closed()
        old.stop()
    return _manager


def discard_idle(settings: ConnectionSettings) -> None:
    """Close the idle connections to this database: one was found dead, the others are suspect."""
    with manager().lock:
        current = manager().pools.get(settings.key)
    if current is not None:
        with current.lock:
            idle, current.idle = current.idle, []
        for conn in idle:
            conn.close()


def reset(key: str | None = None) -> None:
    """Close every idle connection (of one DatabaseConnection key, or all) now; busy ones when given back."""
    manager().reset(key)


@contextlib.contextmanager
def connection(settings: ConnectionSettings, *, deadline: float) -> Iterator[OdbcConnection]:
    """A pooled connection for the block; it goes back to the pool (or is closed if broken) afterwards."""
    pool, conn = manager().acquire(settings, deadline=deadline)
    try:
        yield conn
    finally:
        pool.release(conn)


def _after_fork_in_child() -> None:
    global _manager, _manager_lock
    _manager_lock = threading.Lock()
    if _manager is not None:
        _inherited.append(_manager)
    _manager = None


os.register_at_fork(after_in_child=_after_fork_in_child)
