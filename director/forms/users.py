"""System > Users: who may use ccweb, their role and the agent an agent-role user acts as (no other role
acts as one: an integrator, for instance, is never linked to an Agent)."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from acd.models import Agent
from core.roles import Role, stored_role
from director.forms.base import DirectorModelForm

ROLE_CHOICES = [("", "Choose a role"), *((role.value, role.label) for role in Role)]


class UserForm(DirectorModelForm):
    role = forms.ChoiceField(
        choices=ROLE_CHOICES,
        help_text="Administrator: configuration. Supervisor: monitoring, forcing agent states, reports. "
        "Agent: their own desktop only. Integrator: another application's account, the CTI event stream only "
        "(docs/cti.md).",
    )
    agent = forms.ModelChoiceField(
        Agent.objects.none(),
        required=False,
        label="Acts as agent",
        help_text="For the agent role: the agent this user logs in as (an agent without a login user).",
    )
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text="At least 8 characters, not only digits, not a common password.",
    )

    fieldsets = [
        ("Account", ["username", "first_name", "last_name", "email", "password", "is_active"]),
        ("Role", ["role", "agent"]),
    ]

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email", "is_active"]
        labels = {"is_active": "Active"}
        help_texts = {"is_active": "An inactive user cannot log in; their open pages and sockets are closed."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.instance
        free = Q(user__isnull=True)
        if user.pk:
            free |= Q(user=user)
            self.fields.pop("password")  # changed with "Set password", never shown back
            role = stored_role(user)
            self.initial.setdefault("role", role.value if role else "")
            self.initial.setdefault("agent", Agent.objects.filter(user=user).first())
        self.fields["agent"].queryset = Agent.objects.filter(free).order_by("number")
        self.fields["agent"].label_from_instance = lambda a: f"{a.number} {a.name}"

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["role"] = Role(data["role"])
        return data


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label="New password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text="At least 8 characters, not only digits, not a common password. Tell the user in person.",
    )

    def fieldset_list(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [("", list(self))]
