#!/usr/bin/env python3
"""A receiver for ccweb's CTI webhooks that verifies every delivery (docs/cti.md). Standard library only.

    CCWEB_CTI_SECRET=whsec_... python3 cti_webhook_receiver.py --port 8099

Each verified event is printed as one JSON line. A delivery is answered 204 when its signature is good and
its timestamp recent, 401 otherwise (ccweb does not retry a 4xx). ccweb retries after a 5xx, a 429 or no
answer, so the same delivery can arrive twice: `X-CCWEB-Delivery` (the event id) tells them apart.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_S = 300  # refuse deliveries signed more than 5 minutes ago (or ahead): a replay is refused
MAX_BODY = 1024 * 1024


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None) -> bool:
    """Whether `signature` (X-CCWEB-Signature) signs `timestamp` and `body` with `secret`, and the timestamp
    (X-CCWEB-Timestamp, seconds since the epoch) is recent."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > TOLERANCE_S:
        return False
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={digest}", signature.strip())


def make_handler(secret: str, on_event: Callable[[dict[str, Any]], None]) -> type[BaseHTTPRequestHandler]:
    seen: OrderedDict[str, None] = OrderedDict()  # recent delivery ids: a retried delivery is handled once
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._answer(413)
                return
            body = self.rfile.read(length)
            timestamp = self.headers.get("X-CCWEB-Timestamp", "")
            if not verify(secret, timestamp, body, self.headers.get("X-CCWEB-Signature", "")):
                self._answer(401)
                return
            delivery = self.headers.get("X-CCWEB-Delivery", "")
            with lock:
                duplicate = delivery in seen
                seen[delivery] = None
                while len(seen) > 10000:
                    seen.popitem(last=False)
            if not duplicate:
                on_event(json.loads(body))
            self._answer(204)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # one line per event on stdout is the output; errors still reach stderr

    return Handler


def serve(secret: str, on_event: Callable[[dict[str, Any]], None], *, host: str = "127.0.0.1", port: int = 8099):
    """The server (not yet serving: call serve_forever(), e.g. in a thread). port=0 takes a free port."""
    return ThreadingHTTPServer((host, port), make_handler(secret, on_event))


def print_event(event: dict[str, Any]) -> None:
    print(json.dumps(event, sort_keys=True), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    secret = os.environ.get("CCWEB_CTI_SECRET", "")
    if not secret:
        print("Set CCWEB_CTI_SECRET to the webhook's secret (shown once by the Director or the API).", file=sys.stderr)
        return 2
    server = serve(secret, print_event, host=args.host, port=args.port)
    print(f"listening on http://{args.host}:{server.server_address[1]}/", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
