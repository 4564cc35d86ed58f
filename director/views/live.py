"""Monitoring > Live Queues: the wallboard feed drawn for supervisors.

The page is a shell: the live state arrives over /ws/acd/wallboard/ (snapshot, then deltas) and is
drawn by director/live/queues.js. The feed names agents by number only, so the page embeds the
directory it needs to label and group them: agent number -> id (for the REST force action), name
and groups; service -> its groups in ACD order. See docs/wallboard.md.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from acd.models import Agent, Service
from acd.services.agent_states import FORCEABLE
from core.access import access_required
from core.roles import MONITORING

WALLBOARD_PATH = "/ws/acd/wallboard/"  # acd/ws_urls.py
# Legend order: from not working to busy; the colours are in director/live/queues.css.
STATES = ("logged_out", "released", "available", "reserved", "ringing", "on_call", "wrap_up")


def live_directory() -> dict[str, Any]:
    """Names and group memberships at render time (three queries whatever the size)."""
    agents = {
        agent.number: {"id": agent.pk, "name": agent.name, "groups": [group.name for group in agent.groups.all()]}
        for agent in Agent.objects.prefetch_related("groups").order_by("number")
    }
    services = {
        service.name: {"groups": [row.group.name for row in service.service_groups.all()]}
        for service in Service.objects.prefetch_related("service_groups__group").order_by("name")
    }
    return {"agents": agents, "services": services}


@access_required(MONITORING)
def live_queues(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "director/live/queues.html",
        {
            "title": "Live Queues",
            "directory": live_directory(),
            "force_choices": [(state, state.replace("_", " ")) for state in FORCEABLE],
            "ws_path": WALLBOARD_PATH,
            "force_url": reverse("api:agent-state-force", args=[0]).replace("/0/", "/{id}/"),
            "states": [(state, state.replace("_", " ")) for state in STATES],
        },
    )
