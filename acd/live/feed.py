"""Snapshot and delta of one live group, and `apply(snapshot, delta) -> snapshot`.

A snapshot is what a client holds:

    {"group": "svc.Sales", "seq": 41,
     "agents": {"1001": {"state": "available", "code": "", "call": "", "personal": ["call-3"]}, ...},
     "queues": {"Sales": ["call-7", "call-9"]}}   # waiting call ids in service order

A delta is a patch of the same shape with the next sequence number of the group:

    {"group": "svc.Sales", "seq": 42,
     "agents": {"1001": {...} | None},            # None: the agent left the group's view
     "queues": {"Sales": [...]}}                  # the whole waiting list of each service named

Deltas carry whole rows and whole lists rather than "call X moved by one", so that applying a
delta never depends on how the client's copy was reached: the notifier reads each row in the
same Redis transaction that allocates its sequence number, so a higher seq is never older data.
"""

from __future__ import annotations

import copy
from typing import Any

Snapshot = dict[str, Any]
Delta = dict[str, Any]


class Gap(Exception):
    """A delta does not follow the snapshot (seq skipped): the client must fetch a fresh snapshot."""

    def __init__(self, have: int, got: int) -> None:
        super().__init__(f"expected seq {have + 1}, got {got}: resync")
        self.have = have
        self.got = got


def empty_snapshot(group: str, seq: int = 0) -> Snapshot:
    return {"group": group, "seq": seq, "agents": {}, "queues": {}}


def apply(snapshot: Snapshot, delta: Delta) -> Snapshot:
    """The snapshot after `delta`; a delta at or before the snapshot's seq is ignored (already in it).

    Raises Gap when delta["seq"] > snapshot["seq"] + 1. The input snapshot is not modified.
    """
    have, got = int(snapshot["seq"]), int(delta["seq"])
    if got <= have:
        return snapshot
    if got != have + 1:
        raise Gap(have, got)
    new = copy.deepcopy(snapshot)
    new["seq"] = got
    for number, row in delta.get("agents", {}).items():
        if row is None:
            new["agents"].pop(number, None)
        else:
            new["agents"][number] = dict(row)
    for service, waiting in delta.get("queues", {}).items():
        new["queues"][service] = list(waiting)
    return new


def rows_equal(a: Snapshot, b: Snapshot) -> bool:
    """Same live content (agents and queues), whatever the seq."""
    return a["agents"] == b["agents"] and a["queues"] == b["queues"]
