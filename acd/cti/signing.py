"""Webhook signatures and the retry schedule (plain Python; docs/examples/cti_webhook_receiver.py verifies the
same way).

The signature is `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the webhook's secret: the timestamp
is signed with the body, so a receiver that refuses old timestamps also refuses a replayed delivery.
"""

from __future__ import annotations

import hashlib
import hmac

#: seconds to wait before each retry: 10 s, 30 s, 2 min, 10 min, 30 min (then the delivery is given up)
BACKOFF_S: tuple[int, ...] = (10, 30, 120, 600, 1800)
TIMEOUT_S = 5.0
MAX_ATTEMPTS = 1 + len(BACKOFF_S)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """Whether `header` (X-CCWEB-Signature) is the signature of `timestamp` and `body` (constant time)."""
    return hmac.compare_digest(signature(secret, timestamp, body), header.strip())


def headers(*, secret: str, kind: str, delivery: str, timestamp: str, body: bytes) -> dict[str, str]:
    """The request's headers. Every value is ours (an event kind, a uuid, digits, hex): nothing a caller typed
    becomes header text, and each is checked to be one line."""
    values = {
        "Content-Type": "application/json",
        "User-Agent": "ccweb-cti/1",
        "X-CCWEB-Event": kind,
        "X-CCWEB-Delivery": delivery,
        "X-CCWEB-Timestamp": timestamp,
        "X-CCWEB-Signature": signature(secret, timestamp, body),
    }
    for name, value in values.items():
        if not value.isprintable() or not value.isascii():
            raise ValueError(f"header {name} would not be one printable line: {value!r}")
    return values


def retry_delay(attempt: int) -> int | None:
    """Seconds before the attempt after `attempt` (1 = the first try), None when there is none left."""
    return BACKOFF_S[attempt - 1] if 1 <= attempt <= len(BACKOFF_S) else None


def retryable(status: int | None) -> bool:
    """A connection error or timeout (None), a 5xx or a 429 is tried again; any other 4xx is the receiver's
    final answer (a wrong URL, a refused signature: retrying would not change it)."""
    return status is None or status == 429 or status >= 500
