"""IRN and DNIS endpoints: thin viewsets over the serializers and the service layer."""

from drf_spectacular.utils import extend_schema

from core.api.base import ServiceModelViewSet
from routing.api import filters, serializers
from routing.models import DNIS, IRN


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
