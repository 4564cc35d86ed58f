"""Live ACD WebSockets: /ws/acd/wallboard/, /ws/acd/services/<name>/, /ws/acd/agents/<number>/.

Protocol (server -> client):
  {"type": "snapshot", "snapshot": {...}}   on connect, on {"resync": true}, and after a gap
  {"type": "delta", "delta": {...}}         each with seq == the previous seq + 1
  {"type": "pop", "pop": {...}}             agent feeds: an offered call's screen pop (calls.screen_pop), and
                                            after a snapshot while the agent has that call
Client -> server: {"resync": true}; on an agent feed also agent commands
  {"action": "login"|"logout"|"ready"|"release"|"wrap_up"|"end_wrap_up", "code": "…", "ready": bool,
   "group": "<group name, login only>", "id": any}; supervisors (staff) also
  {"action": "force", "state": "logged_out"|"released"|"available", "code": "…"}
  answered by {"type": "result", "id": …, "state": {...}} or {"type": "error", "id": …, "code", "detail"};
  the state change itself arrives as a delta like any other.
Close codes (with a reason the page shows; it does not reconnect after them): 4401 not logged in (or the
session logged out, or the user was deactivated), 4403 not allowed for the user's role, 4404 unknown.
Who may open what: the wallboard and service feeds need monitoring (supervisors, administrators); an agent
feed its own agent's user or monitoring; acting on another agent's feed, and "force", need forcing agent
states. Each socket also joins its user's and its session's groups, so a logout, a deactivation or a role
change reaches it within seconds (acd/access_signals.py).

Thin: group names, snapshots and the channel layer belong to acd/notifier.py.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from acd import notifier
from acd.models import Agent, Group, Service
from acd.services import agent_states
from acd.services.agent_states import AgentStateError
from core.roles import NEEDS, Capability, can


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


NOT_LOGGED_IN = "Log in first."


class AcdLiveConsumer(AsyncJsonWebsocketConsumer):
    group: str = ""  # set by _check before accept
    agent_pk: int | None = None
    agent_number = ""
    own_agent = False
    seq = 0
    access_groups: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subscribed: list[str] = []

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self._refuse(4401, NOT_LOGGED_IN)
            return
        code, reason = await self._check(user, self.scope["url_route"]["kwargs"])
        if code:
            await self._refuse(code, reason)
            return
        await self.accept()
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        self.access_groups = (notifier.user_group(user.pk),) + ((notifier.session_group(key),) if key else ())
        # Subscribe before the snapshot: deltas published meanwhile arrive after it and the
        # ones already in it (seq <= snapshot seq) are dropped in acd_delta.
        for group in (*self.access_groups, self.group):
            await notifier.subscribe(group, self.channel_name)
            self.subscribed.append(group)
        await self._send_snapshot()

    async def _refuse(self, code: int, reason: str) -> None:
        # Accept first: a close before the handshake is an HTTP 403 to the browser, without the code.
        await self.accept()
        await self.close(code=code, reason=reason)

    @database_sync_to_async
    def _check(self, user: Any, kwargs: dict[str, str]) -> tuple[int, str]:
        """(0, "") when `user` may open the feed, else the close code and the sentence why not."""
        if "number" in kwargs:
            agent = Agent.objects.filter(number=kwargs["number"]).first()
            if agent is None:
                return 4404, f"There is no agent {kwargs['number']}."
            self.own_agent = bool(agent.user_id and agent.user_id == user.id)
            if not (self.own_agent or can(user, Capability.MONITOR)):
                return 4403, "An agent may only open its own feed; other agents are for supervisors."
            self.group = notifier.agent_group(agent.number)
            self.agent_pk = agent.pk
            self.agent_number = agent.number
            return 0, ""
        if not can(user, Capability.MONITOR):
            return 4403, NEEDS[Capability.MONITOR]
        if "service" in kwargs:
            if not Service.objects.filter(name=kwargs["service"]).exists():
                return 4404, f"There is no service {kwargs['service']}."
            self.group = notifier.service_group(kwargs["service"])
        else:
            self.group = notifier.WALLBOARD
        return 0, ""

    async def access_revoked(self, event: dict[str, Any]) -> None:
        await self.close(code=4401, reason=str(event.get("reason", ""))[:120])

    async def access_changed(self, event: dict[str, Any]) -> None:
        """The user's role changed: check again with what the database says now."""
        user = await database_sync_to_async(_fresh_user)(self.scope["user"].pk)
        if user is None or not user.is_active:
            await self.close(code=4401, reason="Your account was deactivated.")
            return
        self.scope["user"] = user
        code, reason = await self._check(user, self.scope["url_route"]["kwargs"])
        if code:
            await self.close(code=code, reason=reason)

    async def _send_snapshot(self) -> None:
        snap = await sync_to_async(notifier.snapshot, thread_sensitive=False)(notifier.engine(), self.group)
        self.seq = snap["seq"]
        await self.send_json({"type": "snapshot", "snapshot": snap})
        if self.agent_number:
            # a desktop that (re)connects during a call shows its screen pop again
            pop = await sync_to_async(notifier.current_pop, thread_sensitive=False)(
                notifier.engine(), self.agent_number
            )
            if pop is not None:
                await self.send_json({"type": "pop", "pop": pop})

    async def acd_pop(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "pop", "pop": event["pop"]})

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
        user = self.scope["user"]
        if (msg["action"] == "force" or not self.own_agent) and not can(user, Capability.FORCE_AGENT_STATE):
            return {"type": "error", "code": "forbidden", "detail": NEEDS[Capability.FORCE_AGENT_STATE]}
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
        for group in self.subscribed:
            await notifier.unsubscribe(group, self.channel_name)


def _fresh_user(pk: int) -> Any:
    return get_user_model().objects.filter(pk=pk).first()
