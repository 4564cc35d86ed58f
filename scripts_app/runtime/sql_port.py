"""The engine's SqlGateway over scripts_app.sql: blocking driver work runs off the event loop.

Two paths behind one port:
- `via_worker=True`, the path of live calls (`routing.lifecycle.new_context`, every script a call runs):
  SQLConnect and every statement go to a Celery worker on queue `sql` (`scripts_app.tasks`), and the
  media child waits in a thread. The child opens no database connection: only the workers' pools hold
  the Database Connection's Simultaneous Connections, so connections stay open and are reused, while a
  slow database costs the caller time, never the media process.
- in-process (the default): a thread of this process and its own pool, for the simulator, the Director
  and tests.
Why live calls do not run in-process: each of the media pool's children (100 on one host) would keep its
own pool, competing for the same few Redis permits (scripts_app.sql.pool), so almost every statement
waits for a permit and opens a new connection. Measured by bench/sql_path.py; figures in
docs/database-interactions.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from scripts_app.models import DatabaseConnection
from scripts_app.sql import gateway
from scripts_app.sql.types import SqlError, SqlErrorKind, SqlResult
from scripts_app.tasks import check_connection_in_worker, run_sql_in_worker


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

    def _timeout(self, pk: int) -> float:
        return float(gateway.connection_settings(pk).timeout)

    async def connect(self, connection: str) -> None:
        def job() -> None:
            pk = self._connection_id(connection)
            if self.via_worker:
                check_connection_in_worker(pk, timeout=self._timeout(pk))
            else:
                gateway.ensure_reachable(pk)

        await asyncio.to_thread(job)

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

        def job() -> SqlResult:
            pk = self._connection_id(connection)
            if self.via_worker:
                return run_sql_in_worker(
                    pk, statement, snapshot, timeout=self._timeout(pk), select_only=select_only, mapping=mapping
                )
            return gateway.run_statement(pk, statement, snapshot, select_only=select_only, mapping=mapping)

        return await asyncio.to_thread(job)

    async def disconnect(self, connection: str) -> None:
        # Nothing to close: connections stay pooled for the next caller and close after Timeout idle.
        return None
