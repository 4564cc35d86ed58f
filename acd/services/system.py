"""System > Misc."""

from typing import Any

from acd.models import SystemSettings
from acd.services.audio import convert_audio_fields
from ccweb.services import ConfigService, register


@register
class SystemSettingsService(ConfigService[SystemSettings]):
    model = SystemSettings

    def prepare(self, instance: SystemSettings, data: dict[str, Any], *, creating: bool) -> None:
        instance.pk = 1
        convert_audio_fields(instance, data, ("music_on_hold",))

    def check_delete(self, instance: SystemSettings) -> None:
        from django.core.exceptions import ValidationError

        raise ValidationError("System settings cannot be deleted.")
