"""Services (queues): the ordered agent groups, converted audio, and the live ACD kept in step."""

from typing import Any

from django.core.exceptions import ValidationError

from acd.models import Service, ServiceGroup
from acd.services.live_config import sync_live_config
from calls.models import CallProfileField
from calls.screen_pop import url_template_errors
from core.audio import convert_audio_fields
from core.services import ConfigService, register


@register
class ServiceService(ConfigService[Service]):
    """`groups`: the agent groups in the order the ACD tries them (replaces the current list)."""

    model = Service
    extra_keys = ("groups",)
    after_commit = (sync_live_config,)

    def prepare(self, instance: Service, data: dict[str, Any], *, creating: bool) -> None:
        convert_audio_fields(instance, data, Service.AUDIO_FIELDS)
        names = set(CallProfileField.objects.values_list("name", flat=True))
        errors = url_template_errors(instance.screen_pop_url, names)
        if errors:
            raise ValidationError({"screen_pop_url": errors})

    def save_related(self, instance: Service, data: dict[str, Any], *, creating: bool) -> None:
        if "groups" not in data:
            return
        instance.service_groups.all().delete()
        ServiceGroup.objects.bulk_create(
            ServiceGroup(service=instance, group=group, position=position)
            for position, group in enumerate(dict.fromkeys(data["groups"] or []))
        )
