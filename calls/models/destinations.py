"""Where a call goes: used by IRNs and by a service's overflow and no-agent rules."""

from django.core.exceptions import ValidationError
from django.db import models

from core.validators import is_extension, is_sip_uri


class DestinationKind(models.TextChoices):
    SCRIPT = "script", "Call control script"
    SERVICE = "service", "Service"
    DEVICE = "device", "Device / extension"
    HANGUP = "hangup", "Hang up"


def destination_errors(
    prefix: str, kind: str, *, service: object, script: object, device: str, required: bool = True
) -> dict[str, str]:
    """Field errors for a destination stored as `<prefix>_kind`, `_service`, `_script`, `_device`.

    Only the target matching the kind may be set, so a stale target never routes a call.
    """
    errors: dict[str, str] = {}
    targets = {
        DestinationKind.SERVICE: ("service", service),
        DestinationKind.SCRIPT: ("script", script),
        DestinationKind.DEVICE: ("device", device),
    }
    if not kind:
        if required:
            errors[f"{prefix}_kind"] = "Choose where the call goes."
        elif any(value for _, value in targets.values()):
            errors[f"{prefix}_kind"] = "Choose a destination type for the target you set."
        return errors
    for target_kind, (suffix, value) in targets.items():
        if kind == target_kind and not value:
            errors[f"{prefix}_{suffix}"] = f"Choose the {suffix} this destination sends the call to."
        elif kind != target_kind and value:
            errors[f"{prefix}_{suffix}"] = f"Leave this empty: the destination type is '{DestinationKind(kind).label}'."
    return errors


def validate_device(value: str) -> None:
    """A device is an extension number or a SIP URI."""
    if value and not (is_extension(value) or is_sip_uri(value)):
        raise ValidationError(
            f"'{value}' is neither an extension (digits) nor a SIP URI such as sip:1001@pbx.example.com.",
            code="device",
        )
