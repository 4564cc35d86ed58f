"""Routing configuration: IRNs (entry points) and DNIS (statistics)."""

from django.core.exceptions import ValidationError
from django.db import models

from acd.models import Service
from calls.models.destinations import DestinationKind, destination_errors, validate_device
from core.validators import validate_dial_number
from scripts_app.models.parameters import SCRIPT_PARAMETERS_HELP, validate_script_parameters


class DNIS(models.Model):
    number = models.CharField(max_length=32, unique=True, validators=[validate_dial_number])
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = "acd_dnis"  # created by the acd app before the routing app existed
        ordering = ["number"]
        verbose_name = "DNIS"
        verbose_name_plural = "DNIS"

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class IRN(models.Model):
    """Intelligent Routing Number: a dial number that enters the routing system."""

    number = models.CharField("dial number", max_length=32, unique=True, validators=[validate_dial_number])
    name = models.CharField(max_length=100, blank=True)
    destination_kind = models.CharField("destination", max_length=10, choices=DestinationKind.choices)
    destination_service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="irns"
    )
    destination_script = models.ForeignKey(
        "scripts_app.Script", null=True, blank=True, on_delete=models.PROTECT, related_name="irns"
    )
    destination_device = models.CharField(
        max_length=200, blank=True, validators=[validate_device], help_text="Extension or SIP URI."
    )
    script_parameters = models.JSONField(
        default=dict, blank=True, validators=[validate_script_parameters], help_text=SCRIPT_PARAMETERS_HELP
    )
    fallback_service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fallback_irns",
        help_text="Where a call goes if its script fails beyond recovery.",
    )
    dnis = models.ForeignKey(
        DNIS,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="irns",
        help_text="Also counted as this DNIS in statistics (the guide: define the IRN as a DNIS too).",
    )

    class Meta:
        db_table = "acd_irn"  # created by the acd app before the routing app existed
        ordering = ["number"]
        verbose_name = "IRN"
        verbose_name_plural = "IRNs"

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()

    def clean(self) -> None:
        if self.script_parameters is None:  # an emptied form field
            self.script_parameters = {}
        errors = destination_errors(
            "destination",
            self.destination_kind,
            service=self.destination_service_id,
            script=self.destination_script_id,
            device=self.destination_device,
        )
        if errors:
            raise ValidationError(errors)
