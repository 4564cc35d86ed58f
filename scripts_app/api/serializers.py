"""Serializers for scripts and database connections; all save through `core.services`."""

from rest_framework import serializers

from core.api.base import ServiceModelSerializer
from scripts_app.api.script_serializers import ProblemSerializer, ScriptVersionSummarySerializer
from scripts_app.models import DatabaseConnection, Script


class ScriptSerializer(ServiceModelSerializer):
    """A script's draft (saved even with validator errors, listed in `draft_errors`) and its version in force."""

    draft_errors = ProblemSerializer(
        many=True, read_only=True, help_text="What the validator finds in the draft; publishing needs none."
    )
    current_version = ScriptVersionSummarySerializer(
        read_only=True, allow_null=True, help_text="The published version new calls run; null if never published."
    )

    class Meta:
        model = Script
        fields = ["id", "name", "description", "graph", "parameters", "draft_errors", "current_version"]
        extra_kwargs = {"graph": {"required": False}, "parameters": {"required": False}}


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
