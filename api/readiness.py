"""Readiness: can this process serve a verification now? The database (reachable, schema at
the code's head revision), the employee directory (answers a lookup in time), key material and,
when configured, the shared limit store (Redis)."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from api import migrations
from api.errors import LimitsUnavailable
from api.limits import RedisLimits
from api.runtime import Runtime

PROBE_UPN = "deskguard-readiness-probe@invalid"  # never an employee: any answer but an error is ok
DIRECTORY_TIMEOUT = 3.0


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, str]  # name -> "ok" or what is wrong


def _database(runtime: Runtime) -> str:
    try:
        with runtime.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision, head = migrations.current(runtime.db.engine), migrations.head()
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"
    if revision != head:
        return f"schema at revision {revision}, code expects {head}: run 'deskguard db upgrade'"
    return "ok"


async def _directory(runtime: Runtime) -> str:
    try:
        await asyncio.wait_for(runtime.directory.get_employee(PROBE_UPN), DIRECTORY_TIMEOUT)
    except TimeoutError:
        return f"no answer within {DIRECTORY_TIMEOUT:g}s"
    except Exception as exc:
        return f"failed: {type(exc).__name__}"
    return "ok"


def _keys(runtime: Runtime) -> str:
    try:
        runtime.keyring.current  # noqa: B018  (reads the ring; a rotated file is re-read)
    except (OSError, ValueError, StopIteration) as exc:
        return f"no usable signing key: {type(exc).__name__}"
    return "ok"


def _limits(limits: RedisLimits) -> str:
    try:
        limits.ping()
    except LimitsUnavailable:
        return "the shared limit store (Redis) did not answer"
    return "ok"


async def check(runtime: Runtime) -> Readiness:
    checks = {
        "database": await run_in_threadpool(_database, runtime),
        "directory": await _directory(runtime),
        "keys": _keys(runtime),
    }
    if isinstance(runtime.shared_limits, RedisLimits):
        checks["limits"] = await run_in_threadpool(_limits, runtime.shared_limits)
    return Readiness(ready=all(v == "ok" for v in checks.values()), checks=checks)
