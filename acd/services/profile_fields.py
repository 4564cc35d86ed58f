"""Call profile fields: mandatory ones are fixed, user ones are created, edited and deleted here."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max

from acd.models import CallProfileField, FieldKind
from acd.models.profile import TAPI_PREFIX
from ccweb.services import ConfigService, register


@register
class CallProfileFieldService(ConfigService[CallProfileField]):
    model = CallProfileField

    def prepare(self, instance: CallProfileField, data: dict[str, Any], *, creating: bool) -> None:
        if creating:
            instance.kind = FieldKind.USER
            instance.position = (CallProfileField.objects.aggregate(m=Max("position"))["m"] or 0) + 1
        if instance.kind == FieldKind.USER:
            instance.tapi_property = f"{TAPI_PREFIX}{instance.name}"

    def check_delete(self, instance: CallProfileField) -> None:
        if instance.is_mandatory:
            raise ValidationError(f"'{instance.name}' is a mandatory call profile field: it cannot be deleted.")


def user_field_ensure(*, name: str, exported: bool = True) -> tuple[CallProfileField, bool]:
    """Create the user field `name` if missing and make it exported; returns (field, changed)."""
    service = CallProfileFieldService()
    field = CallProfileField.objects.filter(name=name).first()
    if field is None:
        return service.create(data={"name": name, "exported": exported}), True
    if field.exported != exported and not field.is_mandatory:
        return service.update(instance=field, data={"exported": exported}), True
    return field, False
