"""A waiting call the ACD hands back to its owner: the service's overflow or no-agent destination.

The ACD's service rules (`acd.engine`, `supervise`) move a call that waited too long (maximum queue time →
overflow) or that no agent can take (the no-agent timer) to the service's destination. Another service
stays inside the ACD (the owner hears `moved`); anything else comes to the owning child as an
`overflowed` or `no_agent` message with the destination's kind and target, and the child routes it here:

- script: that script's published version runs over the call's own profile (its steps go on the call's
  trace); what it ends with decides, as for an IRN's script (queued again, transferred, hung up);
- device: a blind transfer to the extension (`PjCallControl.transfer`: dialled with the X-STCC headers and
  bridged); nobody answering → hung up;
- service: queued there (the ACD hands back a service only when it does not know it: then it fails);
- hang up, or a destination that cannot take the call: hung up.

The caller is never left in silence: the music on hold goes on until the destination takes over.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger("media_worker.diversion")


def published_graph(name: str) -> Any:
    """The graph of script `name`'s published version, None when there is none (blocking: the database)."""
    from django.db import close_old_connections

    from scripts_app.runtime.loader import load_current

    try:
        loaded = load_current(name=name)
        return loaded.graph if loaded is not None else None
    finally:
        close_old_connections()


async def route_diverted(call, control, kind: str, target: str, *, why: str) -> str:
    """Send the call (a CallHandle of `ScriptHandler`, with "live", "owner", "profile" in its data) to the
    destination `kind`/`target`; returns the outcome ("queued", "transferred", "hung_up", ...). Hanging
    up is the caller's (ScriptHandler's) job for an outcome other than queued/transferred."""
    from acd.services.call_owner import LiveAcdPort
    from scripts_app.runtime.live_call import run_further_script

    live = call.data.get("live")
    owner = call.data.get("owner")
    profile: dict[str, str] = call.data.get("profile") or {}
    call_id = call.data.get("call_id", "")
    if live is None or owner is None or control.ended:
        return "hung_up"
    log.info("call %s: %s to %s %s", call_id, why, kind or "hangup", target)
    outcome = "hung_up"
    if kind == "script":
        graph = await asyncio.to_thread(published_graph, target)
        if graph is None:
            log.warning("call %s: %s script %r has no published version", call_id, why, target)
        else:
            fallback = getattr(live.decision, "fallback_service", None)
            outcome = await run_further_script(live, graph, control, owner, name=target, fallback_service=fallback)
    elif kind == "device":
        outcome = "transferred" if await control.transfer(target) else "hung_up"
    elif kind == "service":
        profile["Service"] = target
        status = await LiveAcdPort(owner).queue_to_service(call_id, target, profile)
        outcome = "queued" if status == "queued" else "hung_up"
    live.outcome = outcome
    if outcome == "queued":
        await control.start_music_on_hold()
    return outcome
