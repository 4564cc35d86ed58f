"""Query-string filters for the call profile and call records."""

import django_filters

from calls.models import CallProfileField, CallRecord


class CallProfileFieldFilter(django_filters.FilterSet):
    class Meta:
        model = CallProfileField
        fields = ["kind", "data_type", "exported"]


class CallRecordFilter(django_filters.FilterSet):
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = CallRecord
        fields = ["outcome", "direction", "ani", "dnis", "irn", "service", "agent", "owner"]
