"""Release codes and wrap-up codes: their configuration and the check of a code an agent picks."""

from django.core.exceptions import ValidationError

from acd.models import ReleaseCode, WrapUpCode
from core.services import ConfigService, register


@register
class ReleaseCodeService(ConfigService[ReleaseCode]):
    model = ReleaseCode


@register
class WrapUpCodeService(ConfigService[WrapUpCode]):
    model = WrapUpCode


def check_code(model: type[ReleaseCode] | type[WrapUpCode], code: str) -> None:
    """An agent's code must be one of the active codes configured (none given is allowed). While no code of
    the kind is configured at all any code is taken, as before codes were configured (upgrades keep working)."""
    if code and model.objects.exists() and not model.objects.filter(code=code, active=True).exists():
        known = ", ".join(model.objects.filter(active=True).values_list("code", flat=True)) or "none active"
        raise ValidationError(f"There is no active {model._meta.verbose_name} {code!r} (known: {known}).")
