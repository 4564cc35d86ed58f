"""Webhook signatures (HMAC-SHA256 of "timestamp.body"), their headers, and which failures are retried when."""

import hashlib
import hmac

import pytest

from acd.cti import signing


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = b'{"kind":"offered"}'
    expected = hmac.new(b"whsec_x", b"1765186200." + body, hashlib.sha256).hexdigest()
    assert signing.signature("whsec_x", "1765186200", body) == f"sha256={expected}"
    # a fixed vector, so that a change of the scheme cannot pass unnoticed
    assert signing.signature("s", "1", b"{}") == ("sha256=" + hmac.new(b"s", b"1.{}", hashlib.sha256).hexdigest())


def test_verify_refuses_another_body_timestamp_or_secret():
    header = signing.signature("k", "100", b"body")
    assert signing.verify("k", "100", b"body", header)
    assert not signing.verify("k", "101", b"body", header)
    assert not signing.verify("k", "100", b"bodY", header)
    assert not signing.verify("K", "100", b"body", header)


def test_headers_name_the_event_and_delivery_and_are_one_line():
    h = signing.headers(secret="k", kind="ended", delivery="d-1", timestamp="100", body=b"{}")
    assert h["X-CCWEB-Event"] == "ended" and h["X-CCWEB-Delivery"] == "d-1" and h["X-CCWEB-Timestamp"] == "100"
    assert h["X-CCWEB-Signature"] == signing.signature("k", "100", b"{}")
    with pytest.raises(ValueError, match="one printable line"):
        signing.headers(secret="k", kind="ended\r\nX-Evil: 1", delivery="d", timestamp="1", body=b"")


def test_the_backoff_schedule():
    assert [signing.retry_delay(n) for n in range(1, 7)] == [10, 30, 120, 600, 1800, None]
    assert signing.MAX_ATTEMPTS == 6 and signing.TIMEOUT_S == 5.0


@pytest.mark.parametrize(
    "status, again", [(None, True), (500, True), (503, True), (429, True), (400, False), (401, False), (404, False)]
)
def test_what_is_retried(status, again):
    assert signing.retryable(status) is again
