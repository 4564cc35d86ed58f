"""Live ACD WebSockets: /ws/acd/wallboard/, /ws/acd/services/<name>/, /ws/acd/agents/<number>/.

Protocol (server -> client):
  {"type": "snapshot", "snapshot": {...}}   on connect, on {"resync": true}, and after a gap
  {"type": "delta", "delta": {...}}         each with seq == the previous seq + 1
Client -> server: {"resync": true}; on an agent feed also agent commands
  {"action": "login"|"logout"|"ready"|"release"|"wrap_up"|"end_wrap_up", "code": "…", "ready": bool,
   "group": "<group name, login only>", "id": any}; supervisors (staff) also
  {"action": "force", "state": "logged_out"|"released"|"available", "code": "…"}
  answered by {"type": "result", "id": …, "state": {...}} or {"type": "error", "id": …, "code", "detail"};
  the state change itself arrives as a delta like any other.
Close codes: 4401 not logged in, 4403 not allowed, 4404 unknown.

Thin: group names, snapshots and the channel layer belong to acd/notifier.py.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from acd import notifier
from acd.models import Agent, Group, Service
from acd.services import agent_states
from acd.services.agent_states import AgentStateError


def _group(agent: Agent, name: Any) -> Group | None:
    """The group a login names ('' or absent: all groups); one the agent is not in is refused."""
    if not name:
        return None
    group = agent.groups.filter(name=str(name)).first()
    if group is None:
        raise AgentStateError(f"agent {agent.number} is not a member of group {name}", "invalid_group")
    return group


# Agent commands over the agent feed: the same service functions as the REST actions.
COMMANDS: dict[str, Any] = {
    "login": lambda agent, by, msg: agent_states.agent_login(
        agent=agent, group=_group(agent, msg.get("group")), ready=bool(msg.get("ready")), by=by
    ),
    "logout": lambda agent, by, msg: agent_states.agent_logout(agent=agent, by=by),
    "ready": lambda agent, by, msg: agent_states.agent_ready(agent=agent, by=by),
    "release": lambda agent, by, msg: agent_states.agent_release(
        agent=agent, code=str(msg.get("code", ""))[:32], by=by
    ),
    "wrap_up": lambda agent, by, msg: agent_states.agent_wrap_up(
        agent=agent, code=str(msg.get("code", ""))[:32], by=by
    ),
    "end_wrap_up": lambda agent, by, msg: agent_states.agent_end_wrap_up(agent=agent, by=by),
    # supervisors only (checked in _command)
    "force": lambda agent, by, msg: agent_states.agent_force_state(
        agent=agent, state=str(msg.get("state", "")), code=str(msg.get("code", ""))[:32], by=by
    ),
}


class AcdLiveConsumer(AsyncJsonWebsocketConsumer):
    group: str = ""  # set by _check before accept
    agent_pk: int | None = None
    seq = 0

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        kwargs = self.scope["url_route"]["kwargs"]
        verdict = await self._check(user, kwargs)
        if verdict:
            await self.close(code=verdict)
            return
        await self.accept()
        # Subscribe before the snapshot: deltas published meanwhile arrive after it and the
        # ones already in it (seq <= snapshot seq) are dropped in acd_delta.
        await notifier.subscribe(self.group, self.channel_name)
        await self._send_snapshot()

    @database_sync_to_async
    def _check(self, user: Any, kwargs: dict[str, str]) -> int:
        if "service" in kwargs:
            if not Service.objects.filter(name=kwargs["service"]).exists():
                return 4404
            self.group = notifier.service_group(kwargs["service"])
        elif "number" in kwargs:
            agent = Agent.objects.filter(number=kwargs["number"]).first()
            if agent is None:
                return 4404
            # An agent sees its own feed; supervisors (staff) see anyone's.
            if not (user.is_staff or agent.user_id == user.id):
                return 4403
            self.group = notifier.agent_group(agent.number)
            self.agent_pk = agent.pk
        else:
            self.group = notifier.WALLBOARD
        return 0

    async def _send_snapshot(self) -> None:
        snap = await sync_to_async(notifier.snapshot, thread_sensitive=False)(notifier.engine(), self.group)
        self.seq = snap["seq"]
        await self.send_json({"type": "snapshot", "snapshot": snap})

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("resync"):
            await self._send_snapshot()
        elif "action" in content:
            await self.send_json({"id": content.get("id"), **await self._command(content)})

    @database_sync_to_async
    def _command(self, msg: dict[str, Any]) -> dict[str, Any]:
        command = COMMANDS.get(str(msg["action"]))
        if command is None or self.agent_pk is None:
            reason = f"unknown action {msg['action']!r}" if command is None else "actions need an agent feed"
            return {"type": "error", "code": "bad_command", "detail": reason}
        if msg["action"] == "force" and not self.scope["user"].is_staff:
            return {"type": "error", "code": "forbidden", "detail": "only supervisors (staff) force a state"}
        agent = Agent.objects.filter(pk=self.agent_pk).first()
        if agent is None:
            return {"type": "error", "code": "unknown_agent", "detail": "the agent was deleted"}
        try:
            return {"type": "result", "state": command(agent, self.scope["user"], msg)}
        except AgentStateError as exc:
            return {"type": "error", "code": exc.code, "detail": exc.reason}

    async def acd_delta(self, event: dict[str, Any]) -> None:
        delta = event["delta"]
        if delta["seq"] <= self.seq:
            return  # already in the snapshot we sent
        if delta["seq"] != self.seq + 1:
            # A gap (a publisher that INCRed earlier sent later, or a lost message): resync the
            # client rather than let it apply a delta to the wrong base.
            await self._send_snapshot()
            return
        self.seq = delta["seq"]
        await self.send_json({"type": "delta", "delta": delta})

    async def disconnect(self, code: int) -> None:
        if self.group:
            await notifier.unsubscribe(self.group, self.channel_name)
