"""Serializers for routing and ACD configuration; all save through `core.services`."""

from typing import Any

from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from acd.models import Agent, Group, ReleaseCode, Service, Skill, WrapUpCode
from core.api.base import ServiceModelSerializer


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
            "screen_pop_url",
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


class ReleaseCodeSerializer(ServiceModelSerializer):
    class Meta:
        model = ReleaseCode
        fields = ["id", "code", "name", "productive", "active"]


class WrapUpCodeSerializer(ServiceModelSerializer):
    class Meta:
        model = WrapUpCode
        fields = ["id", "code", "name", "productive", "active"]


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
