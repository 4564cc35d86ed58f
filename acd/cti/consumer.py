"""The CTI stream for integrators: /ws/cti/ (optionally ?service=<name>), docs/cti.md.

Who: a logged-in session, or a program sending `Authorization: Token <key>` (the user's API token from
/api/auth/token/), of a user whose role may read the CTI stream (integrators, supervisors, administrators:
`Capability.READ_CTI`). Refused like the live ACD's sockets (acd.consumers): accepted, then closed with
4401 (no valid login or token), 4403 (the role may not), 4404 (no such service). A logout, a deactivation or
a role change reaches open sockets as there.

Server → client: {"type": "welcome", "version": 1, "service": "<filter or ''>"} once, then
{"type": "event", "event": {...}} per event (acd.cti.events.CtiEvent.payload). Nothing is read from the client.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from acd import notifier
from acd.cti.events import VERSION
from acd.models import Service
from core.roles import NEEDS, Capability, can, is_active_user

NOT_SIGNED_IN = "Log in first, or send Authorization: Token <your API token>."


def token_of(headers: list[tuple[bytes, bytes]]) -> str:
    """The key of an `Authorization: Token <key>` header ('' when there is none)."""
    for name, value in headers:
        if name.lower() == b"authorization":
            scheme, _, key = value.decode("latin-1").strip().partition(" ")
            if scheme.lower() == "token" and key.strip():
                return key.strip()
    return ""


def _token_user(key: str) -> Any:
    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token is not None else None


class CtiConsumer(AsyncJsonWebsocketConsumer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subscribed: list[str] = []
        self.user_pk: int | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if not is_active_user(user):
            key = token_of(self.scope.get("headers", []))
            user = await database_sync_to_async(_token_user)(key) if key else None
        if not is_active_user(user):
            await self._refuse(4401, NOT_SIGNED_IN)
            return
        service = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("service", [""])[0]
        code, reason = await self._check(user, service)
        if code:
            await self._refuse(code, reason)
            return
        await self.accept()
        self.user_pk = user.pk
        session_key = getattr(self.scope.get("session"), "session_key", None)
        groups = [notifier.user_group(user.pk), notifier.cti_group(service)]
        if session_key and self.scope.get("user") is user:
            groups.append(notifier.session_group(session_key))
        for group in groups:
            await notifier.subscribe(group, self.channel_name)
            self.subscribed.append(group)
        await self.send_json({"type": "welcome", "version": VERSION, "service": service})

    async def _refuse(self, code: int, reason: str) -> None:
        # as acd.consumers: a close before the handshake is an HTTP 403 without the code
        await self.accept()
        await self.close(code=code, reason=reason)

    @database_sync_to_async
    def _check(self, user: Any, service: str) -> tuple[int, str]:
        if not can(user, Capability.READ_CTI):
            return 4403, NEEDS[Capability.READ_CTI]
        if service and not Service.objects.filter(name=service).exists():
            return 4404, f"There is no service {service}."
        return 0, ""

    async def cti_event(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "event", "event": event["event"]})

    async def access_revoked(self, event: dict[str, Any]) -> None:
        await self.close(code=4401, reason=str(event.get("reason", ""))[:120])

    async def access_changed(self, event: dict[str, Any]) -> None:
        user = await database_sync_to_async(_fresh_user)(self.user_pk)
        if not is_active_user(user):
            await self.close(code=4401, reason="Your account was deactivated.")
        elif not await database_sync_to_async(can)(user, Capability.READ_CTI):
            await self.close(code=4403, reason=NEEDS[Capability.READ_CTI])

    async def disconnect(self, code: int) -> None:
        for group in self.subscribed:
            await notifier.unsubscribe(group, self.channel_name)


def _fresh_user(pk: int | None) -> Any:
    return get_user_model().objects.filter(pk=pk).first() if pk is not None else None
