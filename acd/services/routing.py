"""IRNs, DNIS and services."""

from typing import Any

from acd.models import DNIS, IRN, Service, ServiceGroup
from acd.services.audio import convert_audio_fields
from acd.services.live_config import sync_live_config
from ccweb.services import ConfigService, register


@register
class DNISService(ConfigService[DNIS]):
    model = DNIS


@register
class IRNService(ConfigService[IRN]):
    """`define_as_dnis`: also define the IRN's number as a DNIS (the guide's advice for statistics)."""

    model = IRN
    extra_keys = ("define_as_dnis",)

    def save_related(self, instance: IRN, data: dict[str, Any], *, creating: bool) -> None:
        if data.get("define_as_dnis") and instance.dnis_id is None:
            dnis, _ = DNIS.objects.get_or_create(number=instance.number, defaults={"name": instance.name})
            instance.dnis = dnis
            instance.save(update_fields=["dnis"])


@register
class ServiceService(ConfigService[Service]):
    """`groups`: the agent groups in the order the ACD tries them (replaces the current list)."""

    model = Service
    extra_keys = ("groups",)
    after_commit = (sync_live_config,)

    def prepare(self, instance: Service, data: dict[str, Any], *, creating: bool) -> None:
        convert_audio_fields(instance, data, Service.AUDIO_FIELDS)

    def save_related(self, instance: Service, data: dict[str, Any], *, creating: bool) -> None:
        if "groups" not in data:
            return
        instance.service_groups.all().delete()
        ServiceGroup.objects.bulk_create(
            ServiceGroup(service=instance, group=group, position=position)
            for position, group in enumerate(dict.fromkeys(data["groups"] or []))
        )
