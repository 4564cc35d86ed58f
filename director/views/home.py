from typing import Any

from django.views.generic import TemplateView

from calls.models import FieldKind
from calls.selectors import profile_fields, system_settings
from director.access import StaffRequiredMixin
from director.pages import PAGES


class HomeView(StaffRequiredMixin, TemplateView):
    """What is configured, at a glance, with a link to each list."""

    template_name = "director/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = "Home"
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
