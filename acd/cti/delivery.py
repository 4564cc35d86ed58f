"""One webhook delivery attempt: POST the signed event, record what happened, say whether to try again.

Celery runs it (acd.cti.tasks, one task per webhook and event); the tests call it directly against a real
HTTP receiver.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.utils import timezone

from acd.cti import signing
from acd.models import CtiDelivery, CtiWebhook
from acd.models.cti import DELIVERIES_KEPT
from core.crypto import SecretUnreadable

log = logging.getLogger(__name__)

DELIVERED, RETRYING, FAILED = "delivered", "retrying", "failed"


@dataclass(frozen=True)
class Attempt:
    status: int | None  # None: no HTTP answer (refused, timed out, broken)
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def post(url: str, secret: str, payload: dict[str, Any], *, timeout: float = signing.TIMEOUT_S) -> Attempt:
    """POST the payload with its signature headers. Redirects are not followed: a signed event goes to the
    configured URL only."""
    body = body_of(payload)
    timestamp = str(int(time.time()))
    headers = signing.headers(
        secret=secret, kind=str(payload["kind"]), delivery=str(payload["id"]), timestamp=timestamp, body=body
    )
    started = time.monotonic()
    try:
        response = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
        status, error = response.status_code, "" if 200 <= response.status_code < 300 else response.reason or ""
        response.close()
    except requests.RequestException as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"
    return Attempt(status, _one_line(error), int((time.monotonic() - started) * 1000))


def deliver(webhook_id: int, payload: dict[str, Any], attempt: int) -> int | None:
    """Attempt `attempt` (1 = first) of delivering `payload`; returns the seconds to wait before the next
    attempt, None when there is none (delivered, refused for good, out of attempts, webhook gone or off)."""
    webhook = CtiWebhook.objects.filter(pk=webhook_id, active=True).first()
    if webhook is None or payload.get("kind") not in webhook.events:
        return None
    try:
        result = post(webhook.url, webhook.get_secret(), payload)
    except SecretUnreadable as exc:
        result = Attempt(None, _one_line(str(exc)), 0)
        _record(webhook, payload, attempt, result, FAILED)
        return None
    delay = signing.retry_delay(attempt) if not result.ok and signing.retryable(result.status) else None
    outcome = DELIVERED if result.ok else RETRYING if delay is not None else FAILED
    _record(webhook, payload, attempt, result, outcome)
    if outcome != DELIVERED:
        log.info("CTI webhook %s: %s attempt %d: %s %s", webhook.name, payload.get("id"), attempt, outcome, result)
    return delay


def _record(webhook: CtiWebhook, payload: dict[str, Any], attempt: int, result: Attempt, outcome: str) -> None:
    now = timezone.now()
    CtiDelivery.objects.create(
        webhook=webhook,
        event_id=str(payload.get("id")),
        kind=str(payload.get("kind", ""))[:20],
        call_id=str(payload.get("call_id", ""))[:64],
        attempt=attempt,
        at=now,
        status=result.status,
        error=result.error,
        duration_ms=result.duration_ms,
        result=outcome,
    )
    CtiWebhook.objects.filter(pk=webhook.pk).update(
        last_delivery_at=now, last_status=result.status, last_error=result.error
    )
    old = CtiDelivery.objects.filter(webhook=webhook).order_by("-at", "-id").values_list("pk", flat=True)
    stale = list(old[DELIVERIES_KEPT:])
    if stale:
        CtiDelivery.objects.filter(pk__in=stale).delete()


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
