"""Guards that hold whichever way a row is deleted (service, admin bulk action, queryset)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from calls.models import CallProfileField


@receiver(pre_delete, sender=CallProfileField)
def refuse_mandatory_delete(sender: type, instance: CallProfileField, **kwargs: Any) -> None:
    if instance.is_mandatory:
        raise ValidationError(f"'{instance.name}' is a mandatory call profile field: it cannot be deleted.")
