from django.contrib.auth import views as auth_views

from director.forms.auth import StaffAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = StaffAuthenticationForm
    extra_context = {"title": "Log in"}


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot log anyone out."""
