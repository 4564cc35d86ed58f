"""Functions run inside an installation (`tests.integration.run.call`) for the agent-phone tests."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from acd import notifier
from acd.models import Agent
from acd.services import sip_credentials
from acd.services.live_config import load_live_config
from core.services import service_for


def registered_extension(*, agent: str, extension: str) -> dict[str, Any]:
    """Agent `agent` on the registered-user `extension` (through the service layer), with a new SIP password;
    the password and what Redis now holds for the extension (the HA1 Kamailio checks against)."""
    row = Agent.objects.get(number=agent)
    service_for(Agent).update(instance=row, data={"extension": extension})
    password = sip_credentials.generate_sip_password(agent=row)
    load_live_config()
    client = notifier.engine().client
    stored = client.hget(sip_credentials.ha1_key(), extension)
    return {"password": password, "ha1": stored.decode() if stored else None}


def browser_credentials(*, agent: str) -> dict[str, Any]:
    """`browser_phone(agent)` as JSON (expires_at as an ISO string)."""
    phone = sip_credentials.browser_phone(Agent.objects.get(number=agent))
    return asdict(phone) | {"expires_at": phone.expires_at.isoformat()}
