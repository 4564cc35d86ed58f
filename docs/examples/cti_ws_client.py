#!/usr/bin/env python3
"""Follow ccweb's CTI stream over its WebSocket (docs/cti.md). Needs `pip install websockets`.

    python3 cti_ws_client.py --url ws://ccweb.example.com:3000/ws/cti/ --token <API token> [--service Sales]

The token is the API token of an integrator's account (or a supervisor's, an administrator's;
POST /api/auth/token/). Each event is printed as one JSON line. A lost connection is opened again (waiting
1 s, 2 s, 4 s … up to 30 s); a refusal (4401 no valid token, 4403 the account's role may not, 4404 no such
service) ends the client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import websockets


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason


def origin_of(url: str) -> str:
    """ccweb checks a WebSocket's Origin against its ALLOWED_HOSTS (browsers send one): send the server's own."""
    parts = urlsplit(url)
    return f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}"


async def events(url: str, token: str, *, service: str = "") -> AsyncIterator[dict[str, Any]]:
    """Each event of the stream (one connection); raises Refused when ccweb refuses the socket."""
    if service:
        url = f"{url}?{urlencode({'service': service})}"
    headers = {"Authorization": f"Token {token}"}
    async with websockets.connect(url, origin=origin_of(url), additional_headers=headers) as socket:  # type: ignore[arg-type]
        try:
            async for raw in socket:
                message = json.loads(raw)
                if message.get("type") == "event":
                    yield message["event"]
        except websockets.ConnectionClosed:
            pass
        if socket.close_code is not None and 4000 <= socket.close_code < 5000:
            raise Refused(socket.close_code, socket.close_reason or "")


async def follow(url: str, token: str, *, service: str = "") -> None:
    delay = 1.0
    while True:
        try:
            async for event in events(url, token, service=service):
                delay = 1.0
                print(json.dumps(event, sort_keys=True), flush=True)
        except Refused:
            raise
        except (OSError, websockets.WebSocketException) as exc:
            print(f"connection lost ({exc}); again in {delay:.0f} s", file=sys.stderr)
        await asyncio.sleep(delay)
        delay = min(30.0, delay * 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="ws://host:3000/ws/cti/ (wss:// behind the TLS proxy)")
    parser.add_argument("--token", required=True)
    parser.add_argument("--service", default="", help="only this service's calls")
    args = parser.parse_args()
    try:
        asyncio.run(follow(args.url, args.token, service=args.service))
    except Refused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
