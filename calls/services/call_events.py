"""What the layers above hear of a call's record, plugged in once at start-up.

Calls sit below the ACD, yet other applications must learn that a call ended (acd.cti: the CTI `ended`
event) whichever way its record closes: the lifecycle's finish, a rejected call, a media process that died.
The ACD plugs its listener in here when its app is ready (`acd.services`), so calls imports nothing of it.
Until then (calls without the ACD installed) nobody listens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallEnded:
    call_id: str
    outcome: str
    profile: Mapping[str, str]
    service: str = ""
    agent: str = ""


@dataclass
class CallEventsPort:
    #: a call's record closed; called inside the closing transaction (the listener publishes after commit)
    call_ended: Callable[[CallEnded], None] = lambda event: None


call_events = CallEventsPort()


def tell_ended(event: CallEnded) -> None:
    """Tell the listener; its failure never fails closing the record."""
    try:
        call_events.call_ended(event)
    except Exception:
        log.exception("call %s: the end of the call not told to the listener", event.call_id)
