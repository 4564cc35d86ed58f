"""The serializer and viewset every configuration endpoint builds on.

Writes never call `Model.save()` or `.delete()` directly: they go through
`core.services.service_for(Model)`, the same layer the Director and the admin use,
so validation and side effects are identical whichever interface made the change.
Errors the service raises are turned into HTTP 400 by `core.api.exceptions`.
"""

from typing import Any, ClassVar

from django.db import models
from rest_framework import serializers, viewsets

from core.services import service_for

# No docstrings on these base classes: drf-spectacular would copy them into the
# description of every schema component and operation that inherits them.


class ServiceModelSerializer(serializers.ModelSerializer):
    # create()/update() delegate to the model's ConfigService. `service_keys` renames
    # serializer keys (field sources) to the service's keys where the two differ.

    service_keys: ClassVar[dict[str, str]] = {}

    def create(self, validated_data: dict[str, Any]) -> models.Model:
        return service_for(self.Meta.model).create(data=self.to_service_data(validated_data))

    def update(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        return service_for(self.Meta.model).update(instance=instance, data=self.to_service_data(validated_data))

    def to_service_data(self, validated_data: dict[str, Any]) -> dict[str, Any]:
        data = {self.service_keys.get(key, key): value for key, value in validated_data.items()}
        for name, field in self.fields.items():
            # A JSON null clears a file; the service spells "clear this file" as False.
            if isinstance(field, serializers.FileField) and name in data and data[name] is None:
                data[name] = False
        return data


class ServiceModelViewSet(viewsets.ModelViewSet):
    # destroy goes through the service so that its delete guards apply.

    def perform_destroy(self, instance: models.Model) -> None:
        service_for(type(instance)).delete(instance=instance)
