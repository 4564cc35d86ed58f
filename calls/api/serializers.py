"""Serializers for the call profile, call records and System > Misc; all save through `core.services`."""

from rest_framework import serializers

from calls.models import AcdEvent, CallProfileField, CallRecord, SystemSettings
from core.api.base import ServiceModelSerializer


class CallProfileFieldSerializer(ServiceModelSerializer):
    """`kind`, `tapi_property` and `position` are set by the service: a new field is always a user field."""

    class Meta:
        model = CallProfileField
        fields = ["id", "name", "tapi_property", "description", "kind", "data_type", "exported", "position"]
        read_only_fields = ["tapi_property", "kind", "position"]


class SystemMiscSerializer(ServiceModelSerializer):
    class Meta:
        model = SystemSettings
        fields = ["music_on_hold", "default_language"]
        extra_kwargs = {"music_on_hold": {"allow_null": True, "required": False}}


class AcdEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcdEvent
        fields = ["at", "kind", "service", "agent", "position", "wait_seconds", "data"]


class CallRecordSerializer(serializers.ModelSerializer):
    acd_events = AcdEventSerializer(many=True, read_only=True, help_text="The ACD's events of this call, in order.")

    class Meta:
        model = CallRecord
        fields = [
            "id",
            "call_id",
            "sw_call_guid",
            "direction",
            "ani",
            "dnis",
            "irn",
            "service",
            "agent",
            "owner",
            "started_at",
            "ended_at",
            "outcome",
            "sip_status",
            "reason",
            "profile",
            "trace",
            "acd_events",
        ]
        read_only_fields = fields
