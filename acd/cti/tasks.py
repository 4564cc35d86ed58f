"""Celery side of the webhooks: one task per (webhook, event), retried with backoff (acd.cti.signing)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from acd.cti import delivery, signing
from acd.models import CtiWebhook


@shared_task(bind=True, name="acd.cti.deliver_webhook", ignore_result=True, max_retries=len(signing.BACKOFF_S))
def deliver_webhook(self: Any, webhook_id: int, payload: dict[str, Any]) -> None:
    """Thin: the attempt number is Celery's retry count plus one; the delivery decides whether to retry."""
    delay = delivery.deliver(webhook_id, payload, self.request.retries + 1)
    if delay is not None:
        raise self.retry(countdown=delay)


def queue_deliveries(payloads: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """Queue each event to every active webhook subscribed to its kind, the webhooks read once for all;
    returns the (webhook id, event id) pairs queued."""
    webhooks = list(CtiWebhook.objects.filter(active=True).values_list("pk", "events"))
    queued = []
    for payload in payloads:
        for pk, events in webhooks:
            if payload.get("kind") in events:
                deliver_webhook.delay(pk, payload)
                queued.append((pk, str(payload["id"])))
    return queued
