"""Browser tests' server: daphne serving ccweb.asgi in a thread of the test process.

pytest-django's live_server speaks WSGI only, so daphne serves ccweb.asgi here: it shares the test
database (SQLite in memory included), and the settings fixture's test prefixes (use_test_prefixes) apply
to the server as they do to the test. Twisted's reactor cannot be restarted, so the session starts it once
(`asgi_url` in tests/integration/conftest.py) for every browser module.

Playwright's sync API runs an event loop in the test thread, where Django refuses ORM calls: the
service-layer actions run in a worker thread (`in_thread`).
"""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connections


@contextmanager
def asgi_server() -> Iterator[str]:
    """ccweb.asgi (static files included) under daphne on a free port of 127.0.0.1."""
    from daphne.server import Server  # installs the asyncio reactor: import it before twisted.internet.reactor
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from twisted.internet import reactor

    from ccweb.asgi import application

    ready = threading.Event()
    server = Server(
        application=ASGIStaticFilesHandler(application),
        endpoints=["tcp:port=0:interface=127.0.0.1"],
        signal_handlers=False,
        ready_callable=lambda: reactor.callLater(0.05, ready.set),
    )
    thread = threading.Thread(target=server.run, name="daphne", daemon=True)
    thread.start()
    assert ready.wait(15), "daphne did not start"
    for _ in range(100):
        if server.listening_addresses:
            break
        threading.Event().wait(0.05)
    host, port = server.listening_addresses[0]
    yield f"http://{host}:{port}"
    reactor.callFromThread(reactor.stop)
    thread.join(10)


def in_thread(func, **kwargs):
    """Run an ORM-using call outside Playwright's event loop; its DB connection is closed after."""

    def call():
        try:
            return func(**kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result(timeout=10)
