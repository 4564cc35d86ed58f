"""The agent's desktop: their state and its controls, the screen pop of an offered call, their calls today.

Thin: the page is drawn from the agent's live feed (/ws/acd/agents/<number>/, acd/consumers.py), whose
commands are the same service functions as the REST API's (acd/services/agent_states.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from acd.models import Agent, ReleaseCode, WrapUpCode
from calls.models import CallRecord
from core.access import access_required
from core.roles import Access, Capability

DESKTOP = Access(Capability.USE_DESKTOP, Capability.USE_DESKTOP)
NOT_LINKED = "Your user is not linked to an agent: an administrator links it in System > Users."
TODAY_ROWS = 50


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
        },
    )
