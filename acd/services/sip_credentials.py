"""SIP credentials of agent phones: desk phones' digest passwords and browser phones' ephemeral ones.

A desk phone registers as the agent's extension (`1001`) with a password generated here, shown once
in the Director and stored encrypted (`Agent.sip_password`, core.crypto). The SIP front never sees
the database: each agent's HA1 = md5(extension:realm:password) is published to the Redis hash
`<ACD prefix>sip:ha1` (field = extension) after the change commits, and the whole hash is rebuilt
when `manage.py sip_front` starts and with every ACD configuration sync (saves, and beat each
minute). Kamailio reads it with ndb_redis and checks with `pv_auth_check` (sip_front/templates).

A browser phone gets ephemeral credentials instead (`browser_phone`): Kamailio's auth_ephemeral
accepts username `<expiry unix time>:<extension>` with password base64(HMAC-SHA1(secret, username)),
the secret shared through settings.SIP_WEB_SECRET. Nothing is stored for them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import redis
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from acd import notifier
from acd.models import Agent
from core.crypto import SecretUnreadable, decrypt_secret, encrypt_secret
from core.validators import is_registered_user

log = logging.getLogger(__name__)

# why there is no browser phone, in the sentence the agent's desktop shows
STATIC_EXTENSION = (
    "Your extension is a SIP address ({extension}): calls ring that phone. The browser phone needs a registered "
    "extension such as 1001; an administrator sets it in Configuration > Agents."
)
PHONES_OFF = "Browser phones are switched off on this server (CCWEB_SIP_WS_PORT=0): use a desk phone."

# 24 URL-safe characters (144 bits): typed once into a phone's web page, strong against guessing
PASSWORD_BYTES = 18


@dataclass(frozen=True)
class BrowserPhone:
    """What JsSIP needs to register the agent's browser phone (`JsSIP.UA` configuration)."""

    ws_url: str
    uri: str
    authorization_user: str
    password: str
    expires_at: datetime
    realm: str


def ha1_key() -> str:
    """The Redis hash Kamailio reads HA1s from, beside the ACD's keys (same prefix, same database)."""
    return f"{notifier.engine().prefix}sip:ha1"


def ha1(user: str, realm: str, password: str) -> str:
    """RFC 2617 HA1 for MD5 digest: what Kamailio's pv_auth_check takes with flag 1."""
    return hashlib.md5(f"{user}:{realm}:{password}".encode()).hexdigest()


def ephemeral_password(secret: str, username: str) -> str:
    """auth_ephemeral's password for `username` (module defaults: SHA-1, IETF username format)."""
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def sip_password(agent: Agent) -> str:
    """The agent's desk-phone password in clear, "" when none was generated (for HA1s only, never shown)."""
    return decrypt_secret(agent.sip_password)


def generate_sip_password(*, agent: Agent) -> str:
    """Give the agent a new random SIP password, store it encrypted and return it (to show once).

    The phone registered with the old password keeps its binding until it re-registers, which then fails.
    """
    if not is_registered_user(agent.extension):
        raise ValidationError(
            {"extension": "A SIP password is for a phone that registers here: give the agent a digits extension first."}
        )
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    with transaction.atomic():
        Agent.objects.filter(pk=agent.pk).update(
            sip_password=encrypt_secret(password), sip_password_set_at=timezone.now()
        )
        transaction.on_commit(sync_sip_credentials_quietly)
    agent.refresh_from_db(fields=["sip_password", "sip_password_set_at"])
    return password


def clear_sip_password(*, agent: Agent) -> None:
    """Remove the agent's password: its desk phone can no longer register (browser phones still can)."""
    with transaction.atomic():
        Agent.objects.filter(pk=agent.pk).update(sip_password="", sip_password_set_at=None)
        transaction.on_commit(sync_sip_credentials_quietly)
    agent.refresh_from_db(fields=["sip_password", "sip_password_set_at"])


def credentials_table(realm: str | None = None) -> dict[str, str]:
    """extension → HA1 of every agent with a registered-user extension and a password.

    Two agents on one extension: the lower agent number's password counts (logged); a password the
    current key cannot decrypt is skipped (logged), so one bad row never blocks the others."""
    realm = realm or settings.SIP_REALM
    table: dict[str, str] = {}
    for agent in Agent.objects.exclude(sip_password="").order_by("number"):
        if not is_registered_user(agent.extension):
            continue
        if agent.extension in table:
            log.warning("agents share extension %s: agent %s's SIP password is not used", agent.extension, agent.number)
            continue
        try:
            table[agent.extension] = ha1(agent.extension, realm, sip_password(agent))
        except SecretUnreadable:
            log.warning("agent %s's SIP password cannot be decrypted (key changed): generate a new one", agent.number)
    return table


def sync_sip_credentials(client: redis.Redis | None = None) -> int:
    """Rebuild the HA1 hash from the database in one step (a temporary key renamed over it), so
    Kamailio never sees it half written and a removed password is gone. Returns the number of
    entries; Redis errors propagate."""
    client = client or notifier.engine().client
    key = ha1_key()
    table = credentials_table()
    pipe = client.pipeline(transaction=True)
    if table:
        temporary = f"{key}:new:{secrets.token_hex(4)}"
        pipe.hset(temporary, mapping=cast(Mapping[Any, Any], table))  # redis-py's Mapping key type is a union
        pipe.rename(temporary, key)
    else:
        pipe.delete(key)
    pipe.execute()
    return len(table)


def sync_sip_credentials_quietly() -> None:
    """sync_sip_credentials(), Redis being down logged, not raised (the next sync catches up)."""
    try:
        sync_sip_credentials()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("SIP credentials not published to Redis (%s); the next sync will catch up.", exc)


def browser_phone(agent: Agent, *, now: datetime | None = None, ws_host: str | None = None) -> BrowserPhone:
    """Ephemeral credentials for the agent's browser phone, valid settings.SIP_WEB_TTL seconds.

    The browser registers as the agent's extension; a desk phone registered on the same extension
    keeps its binding and both ring (the first to answer takes the call). `ws_host` is the host the
    browser reached the web server by (the WebSocket is on the same machine) when CCWEB_SIP_WS_URL
    is not set; else settings.SIP_DOMAIN. ValidationError when the extension is a static SIP URI.
    """
    if not is_registered_user(agent.extension):
        raise ValidationError(STATIC_EXTENSION.format(extension=agent.extension), code="static_extension")
    if not settings.SIP_WS_PORT and not settings.SIP_WS_URL:
        raise ValidationError(PHONES_OFF, code="phones_off")
    now = now or timezone.now()
    expiry = int((now + timedelta(seconds=settings.SIP_WEB_TTL)).timestamp())
    expires_at = datetime.fromtimestamp(expiry, tz=UTC)
    username = f"{expiry}:{agent.extension}"
    host = ws_host or settings.SIP_DOMAIN
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return BrowserPhone(
        ws_url=settings.SIP_WS_URL or f"ws://{host}:{settings.SIP_WS_PORT}",
        uri=f"sip:{agent.extension}@{settings.SIP_DOMAIN}",
        authorization_user=username,
        password=ephemeral_password(settings.SIP_WEB_SECRET, username),
        expires_at=expires_at,
        realm=settings.SIP_REALM,
    )
