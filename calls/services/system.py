"""System > Misc."""

from typing import Any

from django.core.exceptions import ValidationError

from calls.models import SystemSettings
from core.audio import convert_audio_fields
from core.services import ConfigService, register


@register
class SystemSettingsService(ConfigService[SystemSettings]):
    model = SystemSettings

    def prepare(self, instance: SystemSettings, data: dict[str, Any], *, creating: bool) -> None:
        instance.pk = 1
        convert_audio_fields(instance, data, ("music_on_hold",))

    def check_delete(self, instance: SystemSettings) -> None:

        raise ValidationError("System settings cannot be deleted.")
