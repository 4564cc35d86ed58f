"""Start N media children, restart the ones that die, stop them all cleanly. Plain Python, no pjsua2.

Each child is a subprocess (`python manage.py media_worker --child --port P …` in production, any command in
tests) on its own SIP port `base_port + index`. The supervisor polls its children; one that exits while the
pool is running is reported through `on_child_died(index, port, pid)` (the hook that marks the calls it
owned as ended by failure) and started again after a backoff: `backoff_initial` seconds, doubling on each
consecutive quick death up to `backoff_max`; a child that ran `stable_after` seconds resets its backoff.

`stop()` (also on SIGTERM/SIGINT in `run()`): SIGTERM to every child, wait `stop_timeout`, SIGKILL the
stragglers, reap them all.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger("media_worker.process.supervisor")

CommandFor = Callable[[int, int], Sequence[str]]
DiedHook = Callable[[int, int, int], None]


def default_process_count() -> int:
    """`CCWEB_MEDIA_PROCESSES`, else one child per CPU."""
    value = os.environ.get("CCWEB_MEDIA_PROCESSES", "").strip()
    if value:
        count = int(value)
        if count < 1:
            raise ValueError("CCWEB_MEDIA_PROCESSES must be at least 1")
        return count
    return os.cpu_count() or 1


@dataclass
class Child:
    index: int
    port: int
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    quick_deaths: int = 0
    restart_at: float | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None


@dataclass
class Supervisor:
    command_for: CommandFor
    count: int
    base_port: int = 5081
    on_child_died: DiedHook | None = None
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    stable_after: float = 10.0
    stop_timeout: float = 5.0
    env: dict[str, str] | None = None
    children: list[Child] = field(default_factory=list)
    stopping: bool = False

    def start(self) -> None:
        self.children = [Child(index, self.base_port + index) for index in range(self.count)]
        for child in self.children:
            self._spawn(child)

    def poll(self, now: float | None = None) -> None:
        """Reap children that exited and restart those whose backoff elapsed."""
        now = time.monotonic() if now is None else now
        for child in self.children:
            process = child.process
            if process is not None and process.poll() is not None:
                self._died(child, process, now)
            if child.process is None and child.restart_at is not None and now >= child.restart_at and not self.stopping:
                child.restarts += 1
                self._spawn(child)

    def run(self, interval: float = 0.1) -> int:
        """Start the pool and supervise it until SIGTERM or SIGINT; returns 0 after a clean stop."""
        requested: list[int] = []

        def _request_stop(signum, frame) -> None:
            requested.append(signum)

        previous = {sig: signal.signal(sig, _request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.start()
            while not requested:
                self.poll()
                time.sleep(interval)
            log.info("signal %s: stopping %d children", requested[0], len(self.children))
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def stop(self) -> None:
        self.stopping = True
        running = [c.process for c in self.children if c.process is not None and c.process.poll() is None]
        for process in running:
            _signal(process, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("child pid %s ignored SIGTERM: killing it", process.pid)
                _signal(process, signal.SIGKILL)
                process.wait()
        for child in self.children:
            child.process = None
            child.restart_at = None

    def pids(self) -> list[int | None]:
        return [child.pid for child in self.children]

    # ---- internals ---------------------------------------------------------------------------------------

    def _spawn(self, child: Child) -> None:
        command = list(self.command_for(child.index, child.port))
        child.process = subprocess.Popen(command, env=self.env, stdin=subprocess.DEVNULL)
        child.started_at = time.monotonic()
        child.restart_at = None
        log.info("child %d started on port %d, pid %d", child.index, child.port, child.process.pid)

    def _died(self, child: Child, process: subprocess.Popen, now: float) -> None:
        child.process = None
        if self.stopping:
            return
        lived = now - child.started_at
        child.quick_deaths = 0 if lived >= self.stable_after else child.quick_deaths + 1
        delay = min(self.backoff_max, self.backoff_initial * 2 ** max(0, child.quick_deaths - 1))
        child.restart_at = now + delay
        log.error(
            "child %d (port %d, pid %d) exited with %s after %.1f s; restart in %.1f s",
            child.index,
            child.port,
            process.pid,
            process.returncode,
            lived,
            delay,
        )
        if self.on_child_died is not None:
            try:
                self.on_child_died(child.index, child.port, process.pid)
            except Exception:
                log.exception("on_child_died hook failed for child %d", child.index)


def _signal(process: subprocess.Popen, sig: int) -> None:
    try:
        process.send_signal(sig)
    except ProcessLookupError:
        pass
