"""Script and database-connection endpoints: thin viewsets over the service layer."""

import django_filters
from drf_spectacular.utils import extend_schema

from ccweb.api.base import ServiceModelViewSet
from scripts_app.api import serializers
from scripts_app.models import DatabaseConnection, Script


@extend_schema(tags=["scripts"])
class ScriptViewSet(ServiceModelViewSet):
    queryset = Script.objects.all()
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
