"""core's only model: the holder of the role permissions (no table)."""

from django.db import models

from core.roles import CAPABILITY_NAMES


class Roles(models.Model):
    """Permissions of the four roles (core.roles): `core.configure`, `core.monitor`, ..."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [(capability.value, name) for capability, name in CAPABILITY_NAMES.items()]

    def __str__(self) -> str:
        return "roles"
