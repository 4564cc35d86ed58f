"""IRNs and DNIS."""

from typing import Any

from core.services import ConfigService, register
from routing.models import DNIS, IRN


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
