"""Query-string filters for IRNs."""

import django_filters

from routing.models import IRN


class IRNFilter(django_filters.FilterSet):
    class Meta:
        model = IRN
        fields = ["destination_kind", "destination_service", "destination_script", "dnis"]
