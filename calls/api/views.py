"""Call profile, call record and System > Misc endpoints."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from calls import selectors
from calls.api import filters, serializers
from calls.models import CallProfileField, CallRecord, SystemSettings
from core.api.base import ServiceModelViewSet, upload_bodies
from core.roles import REPORTS


@extend_schema(tags=["call profile"])
class CallProfileFieldViewSet(ServiceModelViewSet):
    """The call profile: the 43 mandatory fields (read-only) and user fields, in position order."""

    queryset = CallProfileField.objects.all()
    serializer_class = serializers.CallProfileFieldSerializer
    filterset_class = filters.CallProfileFieldFilter
    search_fields = ["name", "description"]
    ordering_fields = ["position", "name"]
    ordering = ["position", "id"]


_MISC_BODIES = upload_bodies(serializers.SystemMiscSerializer)


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

    access = REPORTS
    queryset = CallRecord.objects.all()
    serializer_class = serializers.CallRecordSerializer
    filterset_class = filters.CallRecordFilter
    search_fields = ["call_id", "ani", "dnis", "sw_call_guid"]
    ordering_fields = ["started_at", "ended_at"]
    ordering = ["-started_at", "-id"]
