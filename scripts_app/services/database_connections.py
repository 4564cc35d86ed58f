"""Database connections: the password is encrypted here and never read back by an interface."""

from typing import Any

from core.services import ConfigService, register
from scripts_app.models import DatabaseConnection


@register
class DatabaseConnectionService(ConfigService[DatabaseConnection]):
    """`password`: a new password (empty or absent keeps the stored one); `clear_password`: forget it."""

    model = DatabaseConnection
    extra_keys = ("password", "clear_password")

    def prepare(self, instance: DatabaseConnection, data: dict[str, Any], *, creating: bool) -> None:
        if data.get("clear_password"):
            instance.set_password("")
        if data.get("password"):
            instance.set_password(data["password"])
