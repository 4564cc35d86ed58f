"""Query-string filters for the routing and ACD endpoints."""

import django_filters

from acd.models import Agent, Group, Service, Skill


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
