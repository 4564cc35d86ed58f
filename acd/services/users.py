"""The users of ccweb and their role (core.roles), with the Agent a user with the agent role acts as.

Lives with the ACD because it links a user to an Agent. A role is one group; an administrator is also
`is_staff` (the Django admin lets staff in), nobody else is. Users are deactivated rather than deleted: the
ACD's history names who did what.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from acd.models import Agent
from core.roles import GROUP_NAMES, Role, role_of
from core.services import ConfigService, register

User = get_user_model()


def assign_role(user: Any, role: Role) -> None:
    """Make `role` the user's only role (the user is saved).

    Only the agent role acts as an Agent: any other role drops the user's link to one, so that e.g. an
    integrator's token can never act on an agent's state as its own.
    """
    user.groups.remove(*Group.objects.filter(name__in=GROUP_NAMES.values()))
    user.groups.add(Group.objects.get(name=role.group_name))
    if role is not Role.AGENT:
        Agent.objects.filter(user=user).update(user=None)
    staff = role is Role.ADMINISTRATOR or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def active_administrators(exclude: Any = None) -> int:
    users = User.objects.filter(is_active=True)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return sum(1 for user in users.prefetch_related("groups") if role_of(user) is Role.ADMINISTRATOR)


@register
class UserService(ConfigService[Any]):
    """`role` (a Role, required on create), `agent` (an Agent or None: the agent this user acts as, for the
    agent role), `password` (required on create; checked by the password validators)."""

    model = User
    extra_keys = ("role", "agent", "password")

    def _field_names(self) -> set[str]:
        return {"username", "first_name", "last_name", "email", "is_active"}

    def prepare(self, instance: Any, data: dict[str, Any], *, creating: bool) -> None:
        role = data.get("role")
        if creating and not role:
            raise ValidationError({"role": "Choose the user's role."})
        password = data.get("password") or ""
        if creating and not password:
            raise ValidationError({"password": "Give the new user a password."})
        if password:
            try:
                validate_password(password, instance)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from None
            instance.set_password(password)
        agent = data.get("agent")
        if agent is not None and (role or role_of(instance)) is not Role.AGENT:
            raise ValidationError({"agent": "Only a user with the agent role acts as an agent."})
        if agent is not None and agent.user_id not in (None, instance.pk):
            raise ValidationError({"agent": f"Agent {agent.number} is already linked to user {agent.user}."})
        if not creating and self._loses_last_administrator(instance, role):
            raise ValidationError({"role": "This is the last active administrator: give another user the role first."})

    def save_related(self, instance: Any, data: dict[str, Any], *, creating: bool) -> None:
        if data.get("role"):
            assign_role(instance, Role(data["role"]))
        if "agent" in data:
            Agent.objects.filter(user=instance).exclude(pk=getattr(data["agent"], "pk", None)).update(user=None)
            if data["agent"] is not None:
                Agent.objects.filter(pk=data["agent"].pk).update(user=instance)

    def check_delete(self, instance: Any) -> None:
        raise ValidationError("Users are not deleted (the call history names them): deactivate the user instead.")

    def _loses_last_administrator(self, instance: Any, role: Any) -> bool:
        stored = User.objects.filter(pk=instance.pk).first()
        if stored is None or role_of(stored) is not Role.ADMINISTRATOR:
            return False
        still_admin = instance.is_active and (not role or Role(role) is Role.ADMINISTRATOR)
        return not still_admin and active_administrators(exclude=instance) == 0
