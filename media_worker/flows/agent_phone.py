"""Where a child sends an agent's leg: a static SIP URI as it stands, a registered user through the front.

An extension of digits (`1001`) names a phone that registered at the SIP front (a desk phone, the
browser phone, or both); only the front knows its current contact, so the child dials
`sip:1001@<settings.SIP_FRONT_ADDRESS>;ccweb=agent-leg` and Kamailio's `lookup("location")` forks to the
bindings (404 "Agent Phone Not Registered" when there is none: a failed leg like any other). The mark
tells the front this is an agent leg, not a call into the pool for number 1001; the front also requires
it to come from a media child's address (any port: a large INVITE leaves over TCP from an ephemeral one).
"""

from __future__ import annotations

from django.conf import settings

from core.validators import is_registered_user

AGENT_LEG_MARK = "ccweb=agent-leg"


def agent_dial_uri(extension: str, *, front: str | None = None) -> str:
    extension = extension.strip()
    if not is_registered_user(extension):
        return extension
    address = (front or settings.SIP_FRONT_ADDRESS).strip()
    address = address[4:] if address.lower().startswith("sip:") else address
    return f"sip:{extension}@{address};{AGENT_LEG_MARK}"
