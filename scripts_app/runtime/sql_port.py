"""The engine's SqlGateway over scripts_app.sql: blocking driver work runs off the event loop.

In-process (a thread) for the simulator, the Director and tests; through a Celery worker on queue
`sql` in production media workers (`via_worker=True`), so that a slow database never blocks a media
process and the worker pool bounds concurrency.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from scripts_app.models import DatabaseConnection
from scripts_app.sql import gateway
from scripts_app.sql.types import SqlError, SqlErrorKind, SqlResult


class GatewaySqlPort:
    def __init__(self, *, via_worker: bool = False) -> None:
        self.via_worker = via_worker
        self._ids: dict[str, int] = {}

    def _connection_id(self, name: str) -> int:
        if name not in self._ids:
            pk = DatabaseConnection.objects.filter(name=name).values_list("pk", flat=True).first()
            if pk is None:
                raise SqlError(SqlErrorKind.VALIDATION, f"There is no Database Connection named '{name}'.")
            self._ids[name] = pk
        return self._ids[name]

    async def connect(self, connection: str) -> None:
        await asyncio.to_thread(lambda: gateway.ensure_reachable(self._connection_id(connection)))

    async def execute(
        self,
        connection: str,
        statement: str,
        profile: Mapping[str, str],
        *,
        select_only: bool = False,
        mapping: Mapping[str, str] | None = None,
    ) -> SqlResult:
        snapshot = dict(profile)
        if self.via_worker:
            from scripts_app.tasks import run_sql_in_worker

            def job() -> SqlResult:
                pk = self._connection_id(connection)
                timeout = float(gateway.connection_settings(pk).timeout)
                return run_sql_in_worker(
                    pk, statement, snapshot, timeout=timeout, select_only=select_only, mapping=mapping
                )
        else:

            def job() -> SqlResult:
                return gateway.run_statement(
                    self._connection_id(connection), statement, snapshot, select_only=select_only, mapping=mapping
                )

        return await asyncio.to_thread(job)

    async def disconnect(self, connection: str) -> None:
        # Nothing to close: connections stay pooled for the next caller and close after Timeout idle.
        return None
