"""CTI webhooks: the secret is generated here on creation and by a rotation, never taken from outside."""

from __future__ import annotations

from typing import Any

from acd.models import CtiWebhook
from acd.models.cti import new_secret
from core.services import ConfigService, register


@register
class CtiWebhookService(ConfigService[CtiWebhook]):
    model = CtiWebhook

    def prepare(self, instance: CtiWebhook, data: dict[str, Any], *, creating: bool) -> None:
        if creating:
            instance.set_secret(new_secret())


def webhook_rotate_secret(*, webhook: CtiWebhook) -> str:
    """A new secret for `webhook`, returned this once (the old one stops signing at once)."""
    secret = new_secret()
    webhook.set_secret(secret)
    webhook.save(update_fields=["secret_encrypted"])
    return secret
