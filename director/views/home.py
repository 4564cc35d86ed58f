from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from calls.models import FieldKind
from calls.selectors import profile_fields, system_settings
from core.access import AccessMixin
from core.roles import SIGNED_IN, Capability, Role, can, role_of
from director.pages import PAGES
from director.views.auth import landing_url

CTI_PATH = "/ws/cti/"  # acd/ws_urls.py (not imported: that pulls in the consumers and Channels)


def cti_url(request: HttpRequest) -> str:
    """The CTI stream's address as a program on another machine opens it (wss:// behind the TLS proxy)."""
    return f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}{CTI_PATH}"


class HomeView(AccessMixin, TemplateView):
    """What the user may use, at a glance: for an administrator what is configured, with a link to each list;
    for whoever may read the CTI event stream (an integrator's only card) its address and the token endpoint."""

    access = SIGNED_IN

    template_name = "director/home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if role_of(request.user) is Role.AGENT:
            return redirect(landing_url(request.user))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = "Home"
        user = self.request.user
        context["can_configure"] = can(user, Capability.CONFIGURE)
        context["can_monitor"] = can(user, Capability.MONITOR)
        context["can_read_cti"] = can(user, Capability.READ_CTI)
        if context["can_read_cti"]:
            context["cti_url"] = cti_url(self.request)
        if not context["can_configure"]:
            return context
        context["cards"] = [
            {
                "page": page,
                "path": " › ".join(page.nav_path),
                "count": page.rows().count(),
                "list_url": page.url("list"),
                "create_url": page.url("create"),
            }
            for page in PAGES
        ]
        context["user_field_count"] = profile_fields(kind=FieldKind.USER).count()
        context["mandatory_field_count"] = profile_fields(kind=FieldKind.MANDATORY).count()
        context["settings_row"] = system_settings()
        return context
