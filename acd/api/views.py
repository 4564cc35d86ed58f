"""Routing and ACD endpoints: thin viewsets over the serializers and the service layer."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from acd import selectors
from acd.api import filters, serializers
from acd.models import DNIS, IRN, Agent, CallProfileField, CallRecord, Group, Service, Skill, SystemSettings
from ccweb.api.base import ServiceModelViewSet


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


@extend_schema(tags=["routing"])
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


@extend_schema(tags=["system"])
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
