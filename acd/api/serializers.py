"""Serializers for routing and ACD configuration; all save through `ccweb.services`."""

from typing import Any

from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from acd.models import DNIS, IRN, AcdEvent, Agent, CallProfileField, CallRecord, Group, Service, Skill, SystemSettings
from ccweb.api.base import ServiceModelSerializer


class CallProfileFieldSerializer(ServiceModelSerializer):
    """`kind`, `tapi_property` and `position` are set by the service: a new field is always a user field."""

    class Meta:
        model = CallProfileField
        fields = ["id", "name", "tapi_property", "description", "kind", "data_type", "exported", "position"]
        read_only_fields = ["tapi_property", "kind", "position"]


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


class OrderedGroupsField(serializers.ManyRelatedField):
    """Group ids in the order the ACD tries them (ServiceGroup.position), not in Group's name order."""

    def get_attribute(self, instance: Service) -> list[PKOnlyObject]:
        return [PKOnlyObject(pk=row.group_id) for row in instance.service_groups.all()]


class ServiceSerializer(ServiceModelSerializer):
    groups = OrderedGroupsField(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=Group.objects.all()),
        required=False,
        help_text="Agent group ids in the order the ACD tries them.",
    )

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "description",
            "priority",
            "groups",
            "strategy",
            "ring_timeout",
            "no_answer_state",
            "skills_field",
            "callback_abandoned",
            "callback_attempts",
            "max_queue_length",
            "max_queue_time",
            "overflow_kind",
            "overflow_service",
            "overflow_script",
            "overflow_device",
            "no_agent_kind",
            "no_agent_service",
            "no_agent_script",
            "no_agent_device",
            "no_agent_timeout",
            "script",
            "script_parameters",
            "music_on_hold",
            "welcome_announcement",
            "periodic_announcement",
            "announcement_interval",
            "announce_position",
            "announce_wait_time",
        ]
        # null clears an uploaded file (multipart clients send an empty value instead).
        extra_kwargs = {name: {"allow_null": True, "required": False} for name in Service.AUDIO_FIELDS}


class GroupSerializer(ServiceModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name", "description", "wrap_up_seconds"]


class SkillSerializer(ServiceModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "name", "description"]


class AgentSkillSerializer(serializers.Serializer):
    skill = serializers.PrimaryKeyRelatedField(queryset=Skill.objects.all())
    level = serializers.IntegerField(min_value=1, max_value=10, default=5, help_text="1 (basic) to 10 (expert).")


class AgentSerializer(ServiceModelSerializer):
    skills = AgentSkillSerializer(
        many=True, required=False, source="agent_skills", help_text="Replaces the agent's skills when given."
    )
    service_keys = {"agent_skills": "skills"}

    class Meta:
        model = Agent
        fields = ["id", "number", "name", "extension", "user", "groups", "skills"]
        extra_kwargs = {"groups": {"required": False}}

    def to_service_data(self, validated_data: dict[str, Any]) -> dict[str, Any]:
        data = super().to_service_data(validated_data)
        if "skills" in data:
            data["skills"] = [dict(row) for row in data["skills"]]
        return data


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
