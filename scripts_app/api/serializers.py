"""Serializers for scripts and database connections; all save through `ccweb.services`."""

from rest_framework import serializers

from ccweb.api.base import ServiceModelSerializer
from scripts_app.models import DatabaseConnection, Script


class ScriptSerializer(ServiceModelSerializer):
    class Meta:
        model = Script
        fields = ["id", "name", "description"]


class DatabaseConnectionSerializer(ServiceModelSerializer):
    """The password is write-only: it is stored encrypted and no response ever carries it."""

    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="A new password. Empty or omitted keeps the stored one.",
    )
    clear_password = serializers.BooleanField(
        write_only=True, required=False, help_text="Forget the stored password (applied before `password`)."
    )
    has_password = serializers.BooleanField(read_only=True, help_text="Whether a password is stored.")

    class Meta:
        model = DatabaseConnection
        fields = [
            "id",
            "name",
            "dsn",
            "database_type",
            "timeout",
            "simultaneous_connections",
            "unicode_parameters",
            "username",
            "password",
            "clear_password",
            "has_password",
        ]
