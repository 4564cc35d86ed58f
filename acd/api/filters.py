"""Query-string filters for the routing and ACD endpoints."""

import django_filters

from acd.models import IRN, Agent, CallProfileField, CallRecord, Group, Service, Skill


class CallProfileFieldFilter(django_filters.FilterSet):
    class Meta:
        model = CallProfileField
        fields = ["kind", "data_type", "exported"]


class IRNFilter(django_filters.FilterSet):
    class Meta:
        model = IRN
        fields = ["destination_kind", "destination_service", "destination_script", "dnis"]


class ServiceFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    group = django_filters.ModelChoiceFilter(field_name="groups", queryset=Group.objects.all(), distinct=True)

    class Meta:
        model = Service
        fields = ["name", "group"]


class AgentFilter(django_filters.FilterSet):
    group = django_filters.ModelChoiceFilter(field_name="groups", queryset=Group.objects.all(), distinct=True)
    skill = django_filters.ModelChoiceFilter(field_name="skills", queryset=Skill.objects.all(), distinct=True)

    class Meta:
        model = Agent
        fields = ["group", "skill", "user"]


class CallRecordFilter(django_filters.FilterSet):
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = CallRecord
        fields = ["outcome", "direction", "ani", "dnis", "irn", "service", "agent", "owner"]
