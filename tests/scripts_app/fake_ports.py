"""Fake ports (media, SQL, ACD, script loader) for script tests; tests/scripts_app/fakes.py explains their use."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scripts_app.sql.types import BoundStatement, SqlError, SqlErrorKind, SqlResult


class _Controls:
    """`fail` (method name -> exception to raise) and `hang` (method names that never return)."""

    fail: dict[str, BaseException]
    hang: set[str]

    async def _enter(self, method: str) -> None:
        if method in self.hang:
            await asyncio.Event().wait()
        if method in self.fail:
            raise self.fail[method]


class FakeMedia(_Controls):
    """The caller's leg. `events` records every call in order; the properties below read it."""

    def __init__(
        self,
        keys: str | Iterable[str] = (),
        *,
        transfer_ok: bool = True,
        fail: Mapping[str, BaseException] | None = None,
        hang: Iterable[str] = (),
    ) -> None:
        self.keys: deque[str] = deque([keys] if isinstance(keys, str) else keys)
        self.transfer_ok = transfer_ok
        self.fail = dict(fail or {})
        self.hang = set(hang)
        self.events: list[tuple[Any, ...]] = []
        self.moh_playing = False
        self.hung_up = False

    # -- CallControl --------------------------------------------------------------------------------

    async def play(self, prompts: Sequence[str], *, language: int) -> None:
        await self._enter("play")
        self.events.append(("play", tuple(prompts), language))

    async def say(self, value: str, *, format: str, language: int) -> None:
        await self._enter("say")
        self.events.append(("say", value, format, language))

    async def collect_digits(
        self,
        *,
        prompts: Sequence[str],
        language: int,
        max_digits: int,
        terminator: str,
        first_timeout: float,
        inter_timeout: float,
    ) -> str:
        await self._enter("collect_digits")
        typed = self.keys.popleft() if self.keys else ""
        digits = ""
        for key in typed:
            if terminator and key == terminator:
                break
            digits += key
            if len(digits) >= max_digits:
                break
        self.events.append(
            (
                "collect",
                tuple(prompts),
                language,
                {
                    "max_digits": max_digits,
                    "terminator": terminator,
                    "first_timeout": first_timeout,
                    "inter_timeout": inter_timeout,
                    "typed": typed,
                    "returned": digits,
                },
            )
        )
        return digits

    async def start_music_on_hold(self) -> None:
        await self._enter("start_music_on_hold")
        self.moh_playing = True
        self.events.append(("moh_start",))

    async def stop_music_on_hold(self) -> None:
        await self._enter("stop_music_on_hold")
        self.moh_playing = False
        self.events.append(("moh_stop",))

    async def wait(self, seconds: float) -> None:
        await self._enter("wait")
        self.events.append(("wait", seconds))

    async def transfer(self, target: str) -> bool:
        await self._enter("transfer")
        self.events.append(("transfer", target, self.transfer_ok))
        return self.transfer_ok

    async def hangup(self) -> None:
        await self._enter("hangup")
        self.hung_up = True
        self.events.append(("hangup",))

    # -- what happened --------------------------------------------------------------------------------

    def kinds(self) -> list[str]:
        """Event names in order: "play", "say", "collect", "moh_start", "moh_stop", "wait", "transfer", "hangup"."""
        return [event[0] for event in self.events]

    @property
    def prompts_played(self) -> list[str]:
        """Every prompt the caller heard, in order (played ones and those of digit collections)."""
        return [p for e in self.events if e[0] in ("play", "collect") for p in e[1]]

    @property
    def said(self) -> list[tuple[str, str]]:
        """(value, format) of every `say`."""
        return [(e[1], e[2]) for e in self.events if e[0] == "say"]

    @property
    def collects(self) -> list[dict[str, Any]]:
        return [{"prompts": list(e[1]), **e[3]} for e in self.events if e[0] == "collect"]

    @property
    def transfers(self) -> list[str]:
        return [e[1] for e in self.events if e[0] == "transfer"]

    @property
    def waits(self) -> list[float]:
        return [e[1] for e in self.events if e[0] == "wait"]


def sql_result(
    rows: Sequence[Sequence[str]] = (),
    columns: Sequence[str] = (),
    profile_updates: Mapping[str, str] | None = None,
    *,
    is_query: bool = True,
    rowcount: int | None = None,
    sql: str = "",
) -> SqlResult:
    """A SqlResult as the SQL layer returns it (rowcount defaults to the number of rows)."""
    return SqlResult(
        statement=BoundStatement(sql),
        columns=list(columns),
        rows=[list(r) for r in rows],
        rowcount=len(rows) if rowcount is None else rowcount,
        is_query=is_query,
        profile_updates=dict(profile_updates or {}),
    )


def sql_error(kind: SqlErrorKind = SqlErrorKind.DATABASE, message: str = "The database refused it.") -> SqlError:
    return SqlError(kind, message)


class FakeSql(_Controls):
    """A SqlGateway answering `execute` from a queue of results (SqlResult, or an exception to raise).

    With the queue empty, `execute` returns a write that touched no row (is_query False): the "success"
    branch. `connect_error` / `disconnect_error` make those raise. `calls` records every call.
    """

    def __init__(
        self,
        results: Iterable[SqlResult | BaseException] = (),
        *,
        connect_error: BaseException | None = None,
        disconnect_error: BaseException | None = None,
        fail: Mapping[str, BaseException] | None = None,
        hang: Iterable[str] = (),
    ) -> None:
        self.results: deque[SqlResult | BaseException] = deque(results)
        self.connect_error = connect_error
        self.disconnect_error = disconnect_error
        self.fail = dict(fail or {})
        self.hang = set(hang)
        self.calls: list[tuple[Any, ...]] = []
        self.open: set[str] = set()

    def push(self, *results: SqlResult | BaseException) -> FakeSql:
        self.results.extend(results)
        return self

    async def connect(self, connection: str) -> None:
        await self._enter("connect")
        self.calls.append(("connect", connection))
        if self.connect_error is not None:
            raise self.connect_error
        self.open.add(connection)

    async def execute(
        self,
        connection: str,
        statement: str,
        profile: Mapping[str, str],
        *,
        select_only: bool = False,
        mapping: Mapping[str, str] | None = None,
    ) -> SqlResult:
        await self._enter("execute")
        self.calls.append(
            ("execute", connection, statement, dict(profile), {"select_only": select_only, "mapping": mapping})
        )
        outcome = self.results.popleft() if self.results else sql_result(is_query=False)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def disconnect(self, connection: str) -> None:
        await self._enter("disconnect")
        self.calls.append(("disconnect", connection))
        if self.disconnect_error is not None:
            raise self.disconnect_error
        self.open.discard(connection)

    def kinds(self) -> list[str]:
        return [c[0] for c in self.calls]


class FakeAcd(_Controls):
    """The ACD: `queue_to_service` answers from `answers` (service -> "queued", "no_agents", "full",
    "unknown_service"); a service not listed is "queued", unless `services` is given and lacks it
    ("unknown_service"). `request_callback` answers `callback_ok`.
    """

    def __init__(
        self,
        answers: Mapping[str, str] | None = None,
        *,
        services: Iterable[str] | None = None,
        callback_ok: bool = True,
        fail: Mapping[str, BaseException] | None = None,
        hang: Iterable[str] = (),
    ) -> None:
        self.answers = dict(answers or {})
        self.services = set(services) if services is not None else None
        self.callback_ok = callback_ok
        self.fail = dict(fail or {})
        self.hang = set(hang)
        self.queued: list[tuple[str, str, dict[str, str]]] = []
        self.callbacks: list[tuple[str, dict[str, str]]] = []

    async def queue_to_service(self, call_id: str, service: str, profile: Mapping[str, str]) -> str:
        await self._enter("queue_to_service")
        self.queued.append((call_id, service, dict(profile)))
        if service in self.answers:
            return self.answers[service]
        if self.services is not None and service not in self.services:
            return "unknown_service"
        return "queued"

    async def request_callback(self, call_id: str, profile: Mapping[str, str]) -> bool:
        await self._enter("request_callback")
        self.callbacks.append((call_id, dict(profile)))
        return self.callback_ok


class FakeScripts:
    """A ScriptLoader over a dict: name -> graph (anything; the interpreter's run_subscript reads it)."""

    def __init__(self, scripts: Mapping[str, object] | None = None) -> None:
        self.scripts = dict(scripts or {})
        self.loaded: list[str] = []

    def load(self, name: str) -> object | None:
        self.loaded.append(name)
        return self.scripts.get(name)
