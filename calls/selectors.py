"""Reads of routing configuration."""

from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from calls.models import CallProfileField, SystemSettings
from calls.models.profile import TAPI_PREFIX


def system_settings() -> SystemSettings:
    settings_row, _ = SystemSettings.objects.get_or_create(pk=1)
    return settings_row


def default_music_on_hold_path() -> Path:
    """The file played while callers wait: the uploaded one, else the default generated at set-up."""
    row = system_settings()
    if row.music_on_hold:
        return Path(row.music_on_hold.path)
    return Path(settings.CCWEB_DEFAULT_MOH)


def profile_fields(*, kind: str | None = None) -> QuerySet[CallProfileField]:
    fields = CallProfileField.objects.all()
    return fields.filter(kind=kind) if kind else fields


def exported_field_names() -> list[str]:
    """The names of the exported profile fields, in profile order: what an agent's phone and desktop show."""
    return list(CallProfileField.objects.filter(exported=True).values_list("name", flat=True))


def exported_tapi_properties() -> dict[str, str]:
    """Each exported profile field's name → its TAPI call property (`Call Type` → `_STCC_Type`), in profile
    order: what other applications get of a call (acd.cti)."""
    rows = CallProfileField.objects.filter(exported=True).values_list("name", "tapi_property")
    return {name: tapi or f"{TAPI_PREFIX}{name}" for name, tapi in rows}
