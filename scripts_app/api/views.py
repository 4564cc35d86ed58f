"""Script and database-connection endpoints: thin viewsets over the service layer."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import ServiceModelViewSet
from scripts_app.api import serializers, sql_serializers
from scripts_app.api.script_views import ScriptActionsMixin
from scripts_app.models import DatabaseConnection, Script
from scripts_app.sql import gateway
from scripts_app.sql.types import SqlError


@extend_schema(tags=["scripts"])
class ScriptViewSet(ScriptActionsMixin, ServiceModelViewSet):
    """Call control scripts: the draft is edited here; calls run the published `current_version`."""

    queryset = Script.objects.select_related("current_version")
    serializer_class = serializers.ScriptSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["name"]


class DatabaseConnectionFilter(django_filters.FilterSet):
    class Meta:
        model = DatabaseConnection
        fields = ["database_type"]


@extend_schema(tags=["scripts"])
class DatabaseConnectionViewSet(ServiceModelViewSet):
    queryset = DatabaseConnection.objects.all()
    serializer_class = serializers.DatabaseConnectionSerializer
    filterset_class = DatabaseConnectionFilter
    search_fields = ["name", "dsn"]
    ordering_fields = ["name"]

    @extend_schema(request=None, responses=sql_serializers.TestConnectionResponseSerializer)
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str | None = None) -> Response:
        """Open a connection: the driver and server versions, or the driver's exact error, within the Timeout."""
        try:
            return Response({"ok": True, "info": gateway.test_connection(self.get_object())})
        except SqlError as error:
            return Response({"ok": False, "error": error.as_dict()})

    @extend_schema(request=sql_serializers.QueryRequestSerializer, responses=sql_serializers.QueryResponseSerializer)
    @action(detail=True, methods=["post"])
    def query(self, request: Request, pk: str | None = None) -> Response:
        """Run a statement as a call control script would (bound %Field% tokens, pool, Timeout)."""
        data = sql_serializers.QueryRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = gateway.run_statement(
                self.get_object(),
                data.validated_data["statement"],
                data.validated_data["profile"],
                select_only=data.validated_data["select_only"],
                mapping=data.validated_data["mapping"],
            )
        except SqlError as error:
            return Response({"ok": False, "error": error.as_dict()})
        return Response({"ok": True, "result": result.as_dict()})
