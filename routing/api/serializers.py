"""Serializers for IRNs and DNIS; all save through `core.services`."""

from rest_framework import serializers

from core.api.base import ServiceModelSerializer
from routing.models import DNIS, IRN


class DNISSerializer(ServiceModelSerializer):
    class Meta:
        model = DNIS
        fields = ["id", "number", "name"]


class IRNSerializer(ServiceModelSerializer):
    define_as_dnis = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text="Also define the IRN's number as a DNIS (and link it) so its calls appear in DNIS statistics.",
    )

    class Meta:
        model = IRN
        fields = [
            "id",
            "number",
            "name",
            "destination_kind",
            "destination_service",
            "destination_script",
            "destination_device",
            "script_parameters",
            "fallback_service",
            "dnis",
            "define_as_dnis",
        ]
