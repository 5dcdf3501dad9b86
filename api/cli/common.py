"""Shared plumbing for CLI commands."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any, TypeVar

import typer

from api.runtime import Runtime, build_runtime
from api.settings import Settings, get_settings

T = TypeVar("T")


def runtime(settings: Settings | None = None) -> Runtime:
    return build_runtime(settings or get_settings())


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def emit(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str, ensure_ascii=False))


READ_REASON = "Why you read this employee's context (e.g. a ticket); the audit records it."


def reason_option() -> Any:
    """`--reason`, required wherever one employee's context is read (api/access_log.py)."""
    return typer.Option(..., "--reason", help=READ_REASON)
