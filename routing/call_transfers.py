"""A staff request to blind-transfer a connected call (REST: POST /api/calls/{call_id}/transfer/).

The call lives in the media child that owns it, so this only checks and asks: the call must be known and
still going (its CallRecord is active), connected to an agent in the ACD, and the target must resolve
(`routing.transfers`: an IRN, an agent's extension, a device, a SIP URI, a number at the gateway). The
request then goes on the owner's message stream (`<prefix>owner:<owner>`, where the ACD's `reserved`
messages go) as a `transfer` message; the owning child hangs the agent up (wrap-up) and carries it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from acd import notifier
from calls.models import CallOutcome, CallRecord
from routing.transfers import Target, TargetError, resolve, transfer_message

#: the owner stream's length cap, as the engine's own XADDs (acd/engine/lua_common.py STREAM_MAX)
STREAM_MAX = 10000


class TransferRefused(Exception):
    """Why the transfer cannot be asked for: `code` unknown_call (404), not_connected (409), or a
    TargetError code (400)."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class TransferRequest:
    call_id: str
    owner: str
    agent: str
    target: Target
    message_id: str


def request_transfer(*, call_id: str, target: str, kind: str = "", by: str = "") -> TransferRequest:
    """Ask the call's owner to blind-transfer it to `target`; raises TransferRefused."""
    record = CallRecord.objects.filter(call_id=call_id).only("owner", "outcome").first()
    if record is None or record.outcome != CallOutcome.ACTIVE:
        raise TransferRefused("unknown_call", f"There is no call {call_id} in progress.", 404)
    engine = notifier.engine()
    live = engine.call(call_id)
    if not live or live.get("state") != "connected" or not live.get("agent"):
        state = live.get("state", "") if live else "not with the ACD"
        raise TransferRefused(
            "not_connected", f"Call {call_id} is not connected to an agent ({state}): nothing to transfer.", 409
        )
    try:
        resolved = resolve(target, kind=kind)
    except TargetError as exc:
        raise TransferRefused(exc.code, str(exc), 400) from None
    owner = live.get("owner") or record.owner
    message: dict[Any, Any] = transfer_message(call_id, resolved, by=by or "api")  # redis-py's field types
    message_id = engine.client.xadd(engine.keys.owner_stream(owner), message, maxlen=STREAM_MAX, approximate=True)
    return TransferRequest(
        call_id=call_id,
        owner=owner,
        agent=live.get("agent", ""),
        target=resolved,
        message_id=message_id.decode() if isinstance(message_id, bytes) else str(message_id),
    )
