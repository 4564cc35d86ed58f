from django.contrib.auth import views as auth_views
from django.urls import reverse

from core.roles import Role, role_of
from director.forms.auth import RoleAuthenticationForm


def landing_url(user: object) -> str:
    """Where a user starts: an agent at their desktop, everyone else at the Director's home page (for an
    integrator its only page: the CTI stream's address and the token endpoint)."""
    return reverse("desktop:home") if role_of(user) is Role.AGENT else reverse("director:home")


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = RoleAuthenticationForm
    extra_context = {"title": "Log in"}

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot log anyone out."""
