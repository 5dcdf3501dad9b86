"""Synchronous storage work off the event loop (issue 17).

Storage is synchronous SQLAlchemy; an async route that called it directly held the event loop
for every query and commit, so one slow commit stalled every other request of the process. Each
such call runs in a worker thread instead, through anyio's default thread limiter: the same one
FastAPI uses for synchronous routes and dependencies (the key lookup), so one bound covers all
of them. `size_threads` sets that bound to the database's connection pool (api/storage.py
`Database.capacity`), so a thread never waits for a connection and the pool is never
exceeded. Transactions are unchanged: each call opens, commits and closes its own session in
its thread, exactly as it did on the loop.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio.to_thread

from api.storage import Database

P = ParamSpec("P")
T = TypeVar("T")


async def in_thread(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in a worker thread, bounded by the process's thread limiter."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


def size_threads(db: Database) -> None:
    """Bound the running event loop's worker threads by the database's connection pool."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = db.capacity
