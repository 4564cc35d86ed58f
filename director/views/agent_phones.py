"""Configuration > Agents > Generate SIP password: the desk phone's password, shown once, never again."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers

from acd.models import Agent
from acd.services.sip_credentials import generate_sip_password
from core.access import configuration_required
from director.pages.agents import AGENTS


@configuration_required
def sip_password(request: HttpRequest, pk: int) -> HttpResponse:
    agent = get_object_or_404(Agent, pk=pk)
    back = AGENTS.url("update", agent)
    if request.method == "POST":
        try:
            password = generate_sip_password(agent=agent)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        response = render(
            request,
            "director/agents/sip_password_shown.html",
            {
                "title": f"SIP password of agent {agent}",
                "agent": agent,
                "password": password,
                "domain": settings.SIP_DOMAIN,
                "realm": settings.SIP_REALM,
                "back_url": back,
            },
        )
        add_never_cache_headers(response)  # a back button or a proxy must not show it again
        return response
    return render(
        request,
        "director/agents/sip_password.html",
        {"title": f"Generate SIP password: agent {agent}", "agent": agent, "back_url": back},
    )
