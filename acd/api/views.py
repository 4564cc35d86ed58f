"""Routing and ACD endpoints: thin viewsets over the serializers and the service layer."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from acd import selectors
from acd.api import filters, serializers
from acd.models import DNIS, IRN, Agent, CallProfileField, CallRecord, Group, Service, Skill, SystemSettings
from ccweb.api.base import ServiceModelViewSet, json_body_serializer


def _bodies(serializer_class: type) -> dict[str, type]:
    # Audio is uploaded as multipart/form-data; a JSON or form-encoded body can only clear it (null / empty).
    json_body = json_body_serializer(serializer_class)
    return {
        "application/json": json_body,
        "multipart/form-data": serializer_class,
        "application/x-www-form-urlencoded": json_body,
    }


@extend_schema(tags=["call profile"])
class CallProfileFieldViewSet(ServiceModelViewSet):
    """The call profile: the 43 mandatory fields (read-only) and user fields, in position order."""

    queryset = CallProfileField.objects.all()
    serializer_class = serializers.CallProfileFieldSerializer
    filterset_class = filters.CallProfileFieldFilter
    search_fields = ["name", "description"]
    ordering_fields = ["position", "name"]
    ordering = ["position", "id"]


@extend_schema(tags=["routing"])
class DNISViewSet(ServiceModelViewSet):
    queryset = DNIS.objects.all()
    serializer_class = serializers.DNISSerializer
    search_fields = ["number", "name"]
    ordering_fields = ["number", "name"]


@extend_schema(tags=["routing"])
class IRNViewSet(ServiceModelViewSet):
    queryset = IRN.objects.all()
    serializer_class = serializers.IRNSerializer
    filterset_class = filters.IRNFilter
    search_fields = ["number", "name"]
    ordering_fields = ["number", "name"]


_SERVICE_BODIES = _bodies(serializers.ServiceSerializer)


@extend_schema(tags=["routing"])
@extend_schema_view(
    create=extend_schema(request=_SERVICE_BODIES),
    update=extend_schema(request=_SERVICE_BODIES),
    partial_update=extend_schema(request=_SERVICE_BODIES),
)
class ServiceViewSet(ServiceModelViewSet):
    # The ordered group list is read from service_groups; prefetching avoids a query per row.
    queryset = Service.objects.prefetch_related("service_groups")
    serializer_class = serializers.ServiceSerializer
    filterset_class = filters.ServiceFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "priority"]


@extend_schema(tags=["agents"])
class GroupViewSet(ServiceModelViewSet):
    queryset = Group.objects.all()
    serializer_class = serializers.GroupSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["name"]


@extend_schema(tags=["agents"])
class SkillViewSet(ServiceModelViewSet):
    queryset = Skill.objects.all()
    serializer_class = serializers.SkillSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["name"]


@extend_schema(tags=["agents"])
class AgentViewSet(ServiceModelViewSet):
    queryset = Agent.objects.prefetch_related("groups", "agent_skills")
    serializer_class = serializers.AgentSerializer
    filterset_class = filters.AgentFilter
    search_fields = ["number", "name", "extension"]
    ordering_fields = ["number", "name"]


_MISC_BODIES = _bodies(serializers.SystemMiscSerializer)


@extend_schema(tags=["system"])
@extend_schema_view(put=extend_schema(request=_MISC_BODIES), patch=extend_schema(request=_MISC_BODIES))
class SystemMiscView(generics.RetrieveUpdateAPIView):
    """System > Misc: the single row of installation-wide settings (default music on hold, language)."""

    serializer_class = serializers.SystemMiscSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_object(self) -> SystemSettings:
        return selectors.system_settings()


@extend_schema(tags=["call records"])
class CallRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Cradle-to-grave records of calls: the final profile, the script's trace and the ACD's events."""

    queryset = CallRecord.objects.all()
    serializer_class = serializers.CallRecordSerializer
    filterset_class = filters.CallRecordFilter
    search_fields = ["call_id", "ani", "dnis", "sw_call_guid"]
    ordering_fields = ["started_at", "ended_at"]
    ordering = ["-started_at", "-id"]
