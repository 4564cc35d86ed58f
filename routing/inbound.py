"""A new inbound call: from what the INVITE says to its call profile, its IRN and where it goes.

Plain Python over the ORM, so the media worker (which only adapts pjsua2) asks one question per
INVITE and gets a decision: reject (SIP 404 with a call record), run a script, queue to a
service, send to a device, or hang up.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from django.utils import timezone

from calls.models import CallProfileField, DestinationKind
from calls.profile import new_call_profile
from calls.selectors import system_settings
from routing.models import DNIS, IRN
from scripts_app.runtime.loader import version_graph

_SIP_USER = re.compile(r"^(?:sips?:|tel:)?(?P<user>[^@>]*)", re.IGNORECASE)


def sip_user(uri: str) -> str:
    """The user part of a SIP URI as the caller sent it, percent-decoded (RFC 3261 19.1.2):
    'sip:%2B15551234@host;transport=udp' -> '+15551234'.

    A user part with telephone-subscriber parameters ('sip:+15551234;isub=12;phone-context=x@host') gives
    the number before the first ';': the parameters are not part of the number a script or the CRM looks up.
    """
    uri = uri.strip()
    if "<" in uri:
        uri = uri[uri.index("<") + 1 :]
    m = _SIP_USER.match(uri)
    user = m.group("user") if m else ""
    return unquote(user.split(";", 1)[0], errors="replace")


def name_addr_parts(value: str) -> tuple[str, str]:
    """(display name, URI) of a From/To value: `"Ann \\"A\\"" <sip:1@h>;tag=x` -> ('Ann "A"', 'sip:1@h').

    A quoted display name has its quoted-pairs (\\" and \\\\) unescaped and may hold '<', '>' or ';'; an
    unquoted one is the tokens before '<'; an addr-spec without '<>' has no display name.
    """
    text = value.strip()
    display = ""
    if text.startswith('"'):
        chars: list[str] = []
        i = 1
        while i < len(text) and text[i] != '"':
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            chars.append(text[i])
            i += 1
        display, text = "".join(chars), text[i + 1 :].strip()
    elif "<" in text:
        display, text = text[: text.index("<")].strip(), text[text.index("<") :]
    if text.startswith("<"):
        return display, text[1 : text.index(">")] if ">" in text else text[1:]
    # an addr-spec without '<>': a ';' after the host starts the header's parameters (RFC 3261 20.10)
    if "@" in text:
        at = text.index("@")
        return display, text[:at] + text[at:].split(";", 1)[0]
    return display, text.split(";", 1)[0]


@dataclass(frozen=True)
class Invite:
    """What the media worker read off a new INVITE."""

    request_uri: str
    from_uri: str
    display_name: str = ""
    sip_call_id: str = ""
    source: str = ""  # where it came from (the SIP front's address): the Trunk field


@dataclass
class Decision:
    """kind: "reject" (sip_status, reason), "script", "service", "device" or "hangup"."""

    kind: str
    call_id: str
    profile: dict[str, str]
    irn: str = ""
    target: str = ""  # script name, service name or device
    graph: Any = None  # the script's Graph (kind "script")
    script_parameters: dict[str, Any] = field(default_factory=dict)
    fallback_service: str | None = None
    sip_status: int = 0
    reason: str = ""


def new_profile(invite: Invite, *, call_id: str, now: datetime | None = None) -> dict[str, str]:
    """The call profile of the new call (the guide's Table 1 plus the user fields)."""
    display, from_uri = name_addr_parts(invite.from_uri)
    dnis = sip_user(invite.request_uri)
    dnis_name = DNIS.objects.filter(number=dnis).values_list("name", flat=True).first() if dnis else ""
    return new_call_profile(
        field_names=CallProfileField.objects.values_list("name", flat=True),
        entered_at=now or timezone.localtime(),
        ani=sip_user(from_uri),
        dnis=dnis,
        dnis_name=dnis_name or "",
        caller_name=(display or invite.display_name).strip(),
        call_id=call_id,
        sw_call_guid=invite.sip_call_id,
        trunk=invite.source,
        language=system_settings().default_language,
    )


def route_inbound(invite: Invite, *, call_id: str | None = None) -> Decision:
    """Where the call goes: its IRN's destination, or a 404 when the number is no IRN."""
    call_id = call_id or uuid.uuid4().hex
    profile = new_profile(invite, call_id=call_id)
    number = profile["DNIS"]
    irn = _irn(number)
    if irn is None:
        return Decision("reject", call_id, profile, sip_status=404, reason=f"no IRN for {number or 'the number'}")
    return irn_destination(irn, call_id, profile)


def irn_decision(number: str, *, call_id: str, profile: dict[str, str]) -> Decision | None:
    """What IRN `number` does with a call already under way (a transfer to an IRN): its destination over the
    call's own profile; None when there is no such IRN."""
    irn = _irn(number)
    return None if irn is None else irn_destination(irn, call_id, profile)


def _irn(number: str) -> IRN | None:
    related = ("destination_service", "destination_script", "fallback_service")
    return IRN.objects.select_related(*related).filter(number=number).first() if number else None


def irn_destination(irn: IRN, call_id: str, profile: dict[str, str]) -> Decision:
    """IRN `irn`'s destination for the call `call_id` with `profile` (its Service is set for a queue)."""
    fallback = irn.fallback_service.name if irn.fallback_service else None
    kind = irn.destination_kind
    if kind == DestinationKind.SCRIPT:
        return _script_decision(irn, call_id, profile, fallback)
    if kind == DestinationKind.SERVICE:
        profile["Service"] = irn.destination_service.name if irn.destination_service else ""
        return Decision("service", call_id, profile, irn=irn.number, target=profile["Service"])
    if kind == DestinationKind.DEVICE:
        return Decision("device", call_id, profile, irn=irn.number, target=irn.destination_device)
    return Decision("hangup", call_id, profile, irn=irn.number)


def _script_decision(irn: IRN, call_id: str, profile: dict[str, str], fallback: str | None) -> Decision:
    script = irn.destination_script
    version = script.current_version if script else None
    if version is None:
        # a script never published cannot run: the caller goes where a failing script would send them
        reason = f"script {script.name if script else '?'} has no published version"
        if fallback:
            profile["Service"] = fallback
            return Decision("service", call_id, profile, irn=irn.number, target=fallback, reason=reason)
        return Decision("reject", call_id, profile, irn=irn.number, sip_status=480, reason=reason)
    return Decision(
        "script",
        call_id,
        profile,
        irn=irn.number,
        target=script.name,
        graph=version_graph(version),
        # the script's defaults, overridden by the IRN's values
        script_parameters={**(script.parameters or {}), **(irn.script_parameters or {})},
        fallback_service=fallback,
    )
