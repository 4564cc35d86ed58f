"""The database of an end-to-end installation, read the way its tests read it: rows, call records, ACD events.

Each stack is a separate installation whose var/ holds its own file SQLite database (`<var>/ccweb.sqlite3`); the
media pool writes it, and the tests read it with sqlite3 (the test process's own Django database is another one).
The wait_* helpers poll until there are `count` rows and otherwise return what there is, for the caller to
assert on with its own message.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

POLL_S = 0.2


def rows(db: Path, sql: str, params: Sequence = ()) -> list[dict]:
    """The rows of `sql` as dicts (column name -> value)."""
    with sqlite3.connect(db, timeout=10) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql, params)]


def wait_rows(db: Path, sql: str, params: Sequence, count: int, timeout: float = 20.0) -> list[dict]:
    """The rows of `sql` as soon as there are at least `count`; after `timeout`, what there is."""
    deadline = time.monotonic() + timeout
    while True:
        found = rows(db, sql, params)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(POLL_S)


def records(db: Path, where: str, params: Sequence = ()) -> list[dict]:
    """The CallRecords matching `where` (SQL on acd_callrecord), oldest first."""
    return rows(db, f"SELECT * FROM acd_callrecord WHERE {where} ORDER BY id", params)


def wait_records(db: Path, where: str, params: Sequence, count: int, timeout: float = 20.0) -> list[dict]:
    """The CallRecords matching `where` as soon as there are at least `count`; after `timeout`, what there is."""
    return wait_rows(db, f"SELECT * FROM acd_callrecord WHERE {where} ORDER BY id", params, count, timeout)


def events(db: Path, call_id: str) -> list[dict]:
    """The ACD's history rows (acd_acdevent) of one call, in order."""
    return rows(db, "SELECT * FROM acd_acdevent WHERE call_id = ? ORDER BY id", (call_id,))
