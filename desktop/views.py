"""The agent's desktop: their state and its controls, the screen pop of an offered call, their calls today.

Thin: the page is drawn from the agent's live feed (/ws/acd/agents/<number>/, acd/consumers.py), whose
commands are the same service functions as the REST API's (acd/services/agent_states.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from acd.models import Agent, ReleaseCode, WrapUpCode
from acd.services.sip_credentials import browser_phone
from calls.models import CallRecord
from core.access import access_required
from core.roles import Access, Capability

DESKTOP = Access(Capability.USE_DESKTOP, Capability.USE_DESKTOP)
NOT_LINKED = "Your user is not linked to an agent: an administrator links it in System > Users."
TODAY_ROWS = 50
KEYPAD = "123456789*0#"


def agent_of(user: Any) -> Agent:
    agent = Agent.objects.filter(user=user).prefetch_related("groups").first()
    if agent is None:
        raise PermissionDenied(NOT_LINKED)
    return agent


def calls_today(agent: Agent) -> list[CallRecord]:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(CallRecord.objects.filter(agent=agent.number, started_at__gte=start)[:TODAY_ROWS])


@access_required(DESKTOP)
def desktop(request: HttpRequest) -> HttpResponse:
    agent = agent_of(request.user)
    return render(
        request,
        "desktop/desktop.html",
        {
            "title": f"Agent {agent.number}",
            "agent": agent,
            "groups": list(agent.groups.all()),
            "release_codes": list(ReleaseCode.objects.filter(active=True)),
            "wrap_up_codes": list(WrapUpCode.objects.filter(active=True)),
            "ws_path": f"/ws/acd/agents/{agent.number}/",
            "calls": calls_today(agent),
            "keypad": KEYPAD,
        },
    )


@never_cache
@access_required(DESKTOP)
def phone(request: HttpRequest) -> JsonResponse:
    """The softphone's registration: short-lived credentials for this agent's own extension only."""
    agent = agent_of(request.user)
    try:
        # the SIP front's WebSocket is on the machine the browser reached this page on (unless CCWEB_SIP_WS_URL)
        credentials = browser_phone(agent, ws_host=split_domain_port(request.get_host())[0].strip("[]"))
    except ValidationError as refusal:  # a static SIP URI extension, or browser phones switched off
        return JsonResponse({"enabled": False, "reason": refusal.messages[0]})
    return JsonResponse(
        {
            "enabled": True,
            "extension": agent.extension,
            "display_name": agent.name,
            "ws_url": credentials.ws_url,
            "uri": credentials.uri,
            "realm": credentials.realm,
            "authorization_user": credentials.authorization_user,
            "password": credentials.password,
            "expires_at": credentials.expires_at.isoformat(),
        }
    )
