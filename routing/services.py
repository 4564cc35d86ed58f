"""IRNs and DNIS."""

from typing import Any

from core.services import ConfigService, register
from routing.models import DNIS, IRN
from scripts_app.runtime.config_port import configuration


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


def _dnis_name(number: str) -> str:
    return DNIS.objects.filter(number=number).values_list("name", flat=True).first() or ""


def _fallback_service(number: str) -> str | None:
    irn = IRN.objects.select_related("fallback_service").filter(number=number).first()
    return irn.fallback_service.name if irn is not None and irn.fallback_service is not None else None


# the simulator's pretend call to a number (scripts_app sits below routing and imports none of it)
configuration.dnis_name = _dnis_name
configuration.fallback_service = _fallback_service
