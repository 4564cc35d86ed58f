"""Routing and ACD endpoints: thin viewsets over the serializers and the service layer."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from acd.api import filters, serializers
from acd.models import Agent, Group, ReleaseCode, Service, Skill, WrapUpCode
from core.api.base import ServiceModelViewSet, upload_bodies

_SERVICE_BODIES = upload_bodies(serializers.ServiceSerializer)


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


@extend_schema(tags=["agents"])
class ReleaseCodeViewSet(ServiceModelViewSet):
    """Why an agent is not ready: the codes agents may release with (Release, and a supervisor's force)."""

    queryset = ReleaseCode.objects.all()
    serializer_class = serializers.ReleaseCodeSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]


@extend_schema(tags=["agents"])
class WrapUpCodeViewSet(ServiceModelViewSet):
    """How a call ended: the codes agents may wrap up with."""

    queryset = WrapUpCode.objects.all()
    serializer_class = serializers.WrapUpCodeSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
