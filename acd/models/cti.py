"""Outbound CTI webhooks (docs/cti.md) and the log of their deliveries.

The secret is generated here, stored encrypted (core.crypto) and leaves the database only to sign a delivery
and once, in the response that created or rotated it.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone

from acd.cti.events import KINDS
from core.crypto import decrypt_secret, encrypt_secret

SECRET_PREFIX = "whsec_"
DELIVERIES_KEPT = 50  # per webhook: enough to see what went wrong, never a table that grows with every call


def all_kinds() -> list[str]:
    return list(KINDS)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class CtiWebhook(models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="Who receives, e.g. CRM.")
    url = models.URLField(
        "URL",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Each event is POSTed here as JSON (http:// or https://).",
    )
    events = models.JSONField(default=all_kinds, help_text=f"Which events: {', '.join(KINDS)}.")
    active = models.BooleanField(default=True, help_text="Inactive webhooks receive nothing.")
    secret_encrypted = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_delivery_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="The HTTP status of the last attempt (empty: no answer)."
    )
    last_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = "CTI webhook"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        events = self.events if isinstance(self.events, list) else None
        if not events or any(kind not in KINDS for kind in events) or len(set(events)) != len(events):
            raise ValidationError({"events": f"Choose one or more of {', '.join(KINDS)}, each once."})

    def set_secret(self, raw: str) -> None:
        self.secret_encrypted = encrypt_secret(raw)

    def get_secret(self) -> str:
        return decrypt_secret(self.secret_encrypted)


class CtiDelivery(models.Model):
    """One attempt to deliver one event to one webhook."""

    webhook = models.ForeignKey(CtiWebhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=20)
    call_id = models.CharField(max_length=64, blank=True)
    attempt = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    #: delivered, retrying (another attempt is scheduled), failed (given up)
    result = models.CharField(max_length=10)

    class Meta:
        verbose_name = "CTI delivery"
        verbose_name_plural = "CTI deliveries"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["webhook", "-at"], name="cti_delivery_webhook_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id} #{self.attempt}: {self.result}"
