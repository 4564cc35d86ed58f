"""A separate OS process using ccweb's pool, for the cross-process tests.

    python -m tests.integration.sql.pool_worker '<json>'

json: {"settings": {...ConnectionSettings fields}, "prefix": "...", "lease": 10.0, "mode": "run" | "hold",
       "sql": "...", "count": 50, "threads": 10}
- run:  `count` executions of `sql` (parameter: the execution's number) on `threads` threads; prints
        {"ok": n, "errors": [...], "elapsed": s} as one JSON line.
- hold: opens settings.max_connections connections, prints "held", then kills itself with SIGKILL
        (a crash: nothing is given back, nothing is closed by ccweb).
"""

import json
import os
import signal
import sys
import threading
import time
from contextlib import ExitStack

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccweb.settings")


def main(spec: dict) -> None:
    from scripts_app.sql import executor, pool
    from scripts_app.sql.connect import ConnectionSettings
    from scripts_app.sql.types import BoundStatement, SqlError

    settings = ConnectionSettings(**spec["settings"])
    pool.configure(prefix=spec["prefix"], lease_seconds=spec.get("lease", 10.0))
    if spec["mode"] == "hold":
        with ExitStack() as stack:
            for _ in range(settings.max_connections):
                stack.enter_context(pool.connection(settings, deadline=time.monotonic() + 10))
            print("held", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    ok, failures, lock = [0], [], threading.Lock()
    numbers = iter(range(spec["count"]))

    def work() -> None:
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            try:
                executor.execute(settings, BoundStatement(spec["sql"], (number,)))
                with lock:
                    ok[0] += 1
            except SqlError as error:
                with lock:
                    failures.append(f"{error.kind}: {error}")

    started = time.monotonic()
    threads = [threading.Thread(target=work) for _ in range(spec["threads"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"ok": ok[0], "errors": failures[:5], "elapsed": time.monotonic() - started}), flush=True)
    pool.reset()
    pool.manager().wait_closed()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
