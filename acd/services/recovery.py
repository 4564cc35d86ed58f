"""Recovery. Agent sessions after Redis lost the live state: each agent goes back to the state its last
action left it in, as history recorded it (the agent sessions' re-publish). The calls of a media process
that died: closed as ended by failure, and out of the ACD, so no agent stays on a call that no longer exists.

Calls come back through their owners (CallOwner.republish_if_needed); an agent whose call is
re-published as connected goes on_call again then.
"""

from __future__ import annotations

import logging

from acd import notifier
from acd.engine import AcdError
from acd.models import Agent
from acd.services import acd_calls
from calls.models import AcdEvent, AcdEventKind, CallOutcome, CallRecord
from calls.services.call_records import call_finished

log = logging.getLogger(__name__)

#: states the engine reaches on its own (a call): the agent comes back released, and the owner's
#: re-published call puts it on_call again
_BUSY = ("reserved", "ringing", "on_call", "wrap_up")


def restore_agent_states() -> dict[str, str]:
    """Log agents back in as history last saw them; returns {agent number: state restored}."""
    eng = notifier.engine()
    restored: dict[str, str] = {}
    last: dict[str, dict] = {}
    for number, data in (
        AcdEvent.objects.filter(kind=AcdEventKind.AGENT_STATE).order_by("at", "id").values_list("agent", "data")
    ):
        last[number] = data
    for number in Agent.objects.values_list("number", flat=True):
        data = last.get(number) or {}
        state = data.get("state", "logged_out")
        if state == "logged_out" or eng.agent(number).get("state") not in (None, "logged_out"):
            continue
        group = data.get("group", "") if data.get("action") == "login" else _login_group(number)
        try:
            if state == "available":
                eng.login(number, ready=True, group=group)
            else:
                eng.login(number, group=group)
                eng.release(number, data.get("code", "") if state == "released" else "recovered")
                state = "released"
        except AcdError as exc:
            log.warning("agent %s not restored: %s", number, exc.reason)
            continue
        restored[number] = state
    if restored:
        notifier.publish(eng, agents=sorted(restored))
    return restored


def _login_group(number: str) -> str:
    """The group of the agent's last login ('' for all groups)."""
    row = (
        AcdEvent.objects.filter(kind=AcdEventKind.AGENT_STATE, agent=number, data__action="login")
        .order_by("-at", "-id")
        .values_list("data", flat=True)
        .first()
    )
    return (row or {}).get("group", "") or ""


def owner_failed(*, owner: str, reason: str = "media process died") -> list[str]:
    """Close every call the dead process still held as ended by failure; each leaves the ACD
    (a waiting call is an abandon, a connected agent goes to wrap-up). Returns their call ids."""
    ids = list(CallRecord.objects.filter(owner=owner, outcome=CallOutcome.ACTIVE).values_list("call_id", flat=True))
    eng = notifier.engine()
    for call_id in ids:
        if eng.call(call_id):
            try:
                acd_calls.call_hangup(call_id=call_id)
            except AcdError as exc:  # gone meanwhile: nothing left to free
                log.info("call %s of dead owner %s: %s", call_id, owner, exc.reason)
        call_finished(call_id=call_id, outcome=CallOutcome.ENDED_BY_FAILURE, reason=reason)
    return ids
