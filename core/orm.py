"""ORM work off an event loop: a worker thread that closes its database connection when done.

The media children, the originate loop and the consumers run asyncio loops; Django's ORM is synchronous
and its connections are per thread. Threads of `asyncio.to_thread` come and go, so each job closes the
connection it opened (as Django's request cycle does at the end of a request); a job that never reached
the database costs nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import close_old_connections

P = ParamSpec("P")
R = TypeVar("R")


def closing_connections(func: Callable[P, R]) -> Callable[P, R]:
    """`func`, closing this thread's database connection after each call (for code already in a thread)."""

    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        finally:
            close_old_connections()

    return run


async def run_orm(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`await run_orm(f, *args)`: run the blocking `f` in a worker thread, its connection closed after."""
    return await asyncio.to_thread(closing_connections(func), *args, **kwargs)
