"""Call profile fields: mandatory ones are fixed, user ones are created, edited and deleted here."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max

from calls.models import CallProfileField, FieldKind
from calls.models.profile import TAPI_PREFIX
from core.services import ConfigService, register


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


def user_field_ensure(*, name: str) -> str:
    """Make `name` an exported field, creating it as a user field if missing.

    Returns what happened: "created", "exported" (it existed unexported) or "unchanged".
    """
    service = CallProfileFieldService()
    existing = CallProfileField.objects.filter(name=name).first()
    if existing is None:
        service.create(data={"name": name, "exported": True})
        return "created"
    if not existing.exported:
        service.update(instance=existing, data={"exported": True})
        return "exported"
    return "unchanged"
