"""The serializer and viewset every configuration endpoint builds on.

Writes never call `Model.save()` or `.delete()` directly: they go through
`core.services.service_for(Model)`, the same layer the Director and the admin use,
so validation and side effects are identical whichever interface made the change.
Errors the service raises are turned into HTTP 400 by `core.api.exceptions`.
"""

from typing import Any, ClassVar

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from core.services import service_for

# No docstrings on these base classes: drf-spectacular would copy them into the
# description of every schema component and operation that inherits them.


class UploadField(serializers.FileField):
    # A file field where empty clears the file: null or "" in JSON, "" in a form, as multipart already did.

    def to_internal_value(self, data: Any) -> Any:
        if data == "" and self.allow_null:
            return None
        return super().to_internal_value(data)


class ServiceModelSerializer(serializers.ModelSerializer):
    # create()/update() delegate to the model's ConfigService. `service_keys` renames
    # serializer keys (field sources) to the service's keys where the two differ.

    service_keys: ClassVar[dict[str, str]] = {}
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.FileField: UploadField}

    def create(self, validated_data: dict[str, Any]) -> models.Model:
        return service_for(self.Meta.model).create(data=self.to_service_data(validated_data))

    def update(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        return service_for(self.Meta.model).update(instance=instance, data=self.to_service_data(validated_data))

    def to_service_data(self, validated_data: dict[str, Any]) -> dict[str, Any]:
        data = {self.service_keys.get(key, key): value for key, value in validated_data.items()}
        for name, field in self.fields.items():
            # Empty (null, or "") clears a file; the service spells "clear this file" as False.
            if isinstance(field, serializers.FileField) and name in data and data[name] is None:
                data[name] = False
        return data


@extend_schema_field({"type": "string", "nullable": True, "maxLength": 0})
class FileClearField(UploadField):
    # How the schema shows a file field in a JSON or form-encoded body: empty (null or ""), which clears it.
    pass


def json_body_serializer(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """For the schema only: `serializer_class` as a JSON body, where a file can only be cleared (null or "").

    JSON cannot carry a file, so the upload itself is documented under multipart/form-data only.
    """
    declared = {}
    for name, field in serializer_class().fields.items():
        if isinstance(field, serializers.FileField) and not field.read_only:
            description = f"{field.help_text} " if field.help_text else ""
            declared[name] = FileClearField(
                label=field.label,
                required=False,
                allow_null=True,
                help_text=f'{description}In JSON: null or "" clears the file (upload one as multipart/form-data).',
            )
    name = serializer_class.__name__.removesuffix("Serializer") + "JSONSerializer"
    metaclass: Any = type(serializer_class)  # DRF's SerializerMetaclass collects the declared fields
    return metaclass(name, (serializer_class,), {**declared, "__module__": serializer_class.__module__})


class ServiceModelViewSet(viewsets.ModelViewSet):
    # destroy goes through the service so that its delete guards apply.

    def perform_destroy(self, instance: models.Model) -> None:
        service_for(type(instance)).delete(instance=instance)


def upload_bodies(serializer_class: type) -> dict[str, type]:
    """The request bodies of an endpoint with audio files: uploaded as multipart/form-data; a JSON or
    form-encoded body can only clear a file (null / empty)."""
    json_body = json_body_serializer(serializer_class)
    return {
        "application/json": json_body,
        "multipart/form-data": serializer_class,
        "application/x-www-form-urlencoded": json_body,
    }
