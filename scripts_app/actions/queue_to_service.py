"""Queue to Service: set Service (and Priority) and hand the call to the ACD."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scripts_app.actions._common import ActionFailed, as_int
from scripts_app.engine.actions import Action, Param, register
from scripts_app.engine.context import CallContext

QUEUED = "queued"
NO_AGENTS = "no_agents"
FULL = "full"


@register
class QueueToService(Action):
    name = "queue_to_service"
    title = "Queue to Service"
    doc = (
        "Sets the profile's Service (and Priority, when given) and hands the call to that service's "
        "queue in the ACD; the script ends there once the call is queued. Without 'service', the "
        "profile's Service field is used (as set by Change Profile or SQLExecute). Exits: queued (the "
        "script ends: usually wired to nothing); no_agents (the service accepts no call now: no agent "
        "logged in); full (its queue is full); failure (optional exit: the service does not exist)."
    )
    params = (
        Param("service", "service", doc="The service, e.g. Stocks. Default: the profile's Service field."),
        Param("priority", "int", doc="Optional: the call's Priority in the queue (sets the Priority field)."),
    )
    fixed_exits = (QUEUED, NO_AGENTS, FULL)

    async def run(self, call: CallContext, params: Mapping[str, Any]) -> str:
        service = self.param(params, "service") or call.profile.get("Service", "")
        if not isinstance(service, str):
            raise ActionFailed(f"'service' must name a service, not {service!r}.")
        service = service.strip()
        if not service:
            raise ActionFailed("Queue to Service has no service: set 'service' or the profile's Service field.")
        priority = self.param(params, "priority")
        call.profile["Service"] = service
        if priority not in (None, ""):
            call.profile["Priority"] = str(as_int(priority, "priority"))
        answer = await call.acd.queue_to_service(call.call_id, service, call.profile)
        if answer == QUEUED:
            call.outcome = "queued"
            call.destination = service
            return QUEUED
        if answer in (NO_AGENTS, FULL):
            return str(answer)
        if answer == "unknown_service":
            raise ActionFailed(f"There is no service named '{service}'.")
        raise ActionFailed(f"The ACD answered {answer!r} when queueing to '{service}'.")
