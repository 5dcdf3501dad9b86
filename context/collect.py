"""Concurrent context collection: every connector at once, each under its own time-out, all
under an overall deadline. A failing or slow source is recorded and the others carry on; one
that failed in part (FetchResult.failures: one repository of several) is `partial`, degraded like
a failed one, its items kept. The privacy filter runs last, on everything that came back."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from context.config import CollectionConfig
from context.connectors.base import (
    AccessRecord,
    Connector,
    ConnectorError,
    FetchResult,
    Window,
)
from context.manifest import ManifestViolation, assert_within_manifest
from context.models import ContextItem, Employee
from context.privacy import filter_items

DROP_OUTSIDE_WINDOW = "outside_window"
DROP_DUPLICATE = "duplicate"


class SourceStatus(BaseModel):
    connector: str
    status: Literal["ok", "partial", "failed", "timeout"]  # partial: some parts failed
    items: int = 0
    skipped: int = 0
    error: str | None = None  # why it failed; never carries a secret
    elapsed_ms: float = 0


class Collection(BaseModel):
    employee: str
    window_start: datetime
    window_end: datetime
    items: list[ContextItem]
    sources: list[SourceStatus]
    accesses: list[AccessRecord] = Field(default_factory=list)
    filtered: dict[str, int] = Field(default_factory=dict)  # reason -> items dropped

    @property
    def degraded_sources(self) -> list[str]:
        return [s.connector for s in self.sources if s.status != "ok"]


def window_for(now: datetime, lookback_days: int) -> Window:
    """The [now - lookback_days, now) window; `now` must be timezone-aware."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if lookback_days < 1:
        raise ValueError("lookback_days must be at least 1")
    return Window(start=now - timedelta(days=lookback_days), end=now)


def describe_error(exc: BaseException) -> str:
    """A failure message safe to store: a ConnectorError's own message (written to carry no
    secret), otherwise only the exception type, since arbitrary messages may embed URLs or
    headers with credentials."""
    if isinstance(exc, ConnectorError):
        return str(exc)
    return f"unexpected {type(exc).__name__}"


async def _run_one(
    connector: Connector, employee: Employee, window: Window, timeout: float
) -> tuple[SourceStatus, FetchResult]:
    started = time.perf_counter()
    name = connector.name
    result = FetchResult()
    try:
        result = await asyncio.wait_for(connector.fetch(employee, window), timeout)
        _check_manifest(connector, result)
        status = _answered(name, result)
    except TimeoutError:
        status = SourceStatus(
            connector=name, status="timeout", error=f"{name}: no answer within {timeout:g}s"
        )
    except Exception as exc:  # one source failing must not stop the others
        status = SourceStatus(connector=name, status="failed", error=describe_error(exc))
    status.elapsed_ms = (time.perf_counter() - started) * 1000
    if status.status in ("failed", "timeout"):
        result = FetchResult(accesses=[_attempt(name, status.status)])
    return status, result


def _answered(name: str, result: FetchResult) -> SourceStatus:
    """A source that answered: ok, or partial when some of its parts failed. A partial source
    is degraded like a failed one (the policy's source-failure rule applies), so an attacker
    who can break one repository cannot narrow the questions to the others; its items stay."""
    return SourceStatus(
        connector=name,
        status="partial" if result.failures else "ok",
        items=len(result.items),
        skipped=result.skipped,
        error=f"{name}: {'; '.join(result.failures)}" if result.failures else None,
    )


def _check_manifest(connector: Connector, result: FetchResult) -> None:
    """A source that read an endpoint or a field its manifest does not declare has failed: its
    items are not used (the privacy reviewer approved the manifest, not the code)."""
    manifest = connector.manifest()
    for access in result.accesses:
        try:
            assert_within_manifest(manifest, access.endpoint, access.fields)
        except ManifestViolation as exc:
            raise ConnectorError(connector.name, f"read outside its manifest: {exc}") from None


def _attempt(connector: str, status: str) -> AccessRecord:
    """A failed source's calls are lost with its exception; the audit still records the try."""
    return AccessRecord(connector=connector, endpoint="fetch", at=datetime.now(UTC), status=status)


def _deadline_status(connector: Connector, deadline: float) -> SourceStatus:
    return SourceStatus(
        connector=connector.name,
        status="timeout",
        error=f"{connector.name}: collection deadline of {deadline:g}s reached",
        elapsed_ms=deadline * 1000,
    )


async def _gather(
    employee: Employee,
    connectors: Sequence[Connector],
    windows: Sequence[Window],
    config: CollectionConfig,
) -> list[tuple[SourceStatus, FetchResult]]:
    """Run every connector over its window; sources still running at the deadline are
    cancelled and recorded."""
    timeout = config.per_source_timeout_seconds
    tasks = [
        asyncio.create_task(_run_one(c, employee, w, timeout))
        for c, w in zip(connectors, windows, strict=True)
    ]
    if not tasks:
        return []
    _, pending = await asyncio.wait(tasks, timeout=config.deadline_seconds)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return [
        task.result()
        if task not in pending
        else (
            _deadline_status(connector, config.deadline_seconds),
            FetchResult(accesses=[_attempt(connector.name, "timeout")]),
        )
        for task, connector in zip(tasks, connectors, strict=True)
    ]


def _in_window(
    fetched: Sequence[tuple[Window, list[ContextItem]]], dropped: Counter[str]
) -> list[ContextItem]:
    """Keep items that started inside their source's window, once each (first connector wins)."""
    kept: list[ContextItem] = []
    seen: set[str] = set()
    for window, item in ((w, i) for w, items in fetched for i in items):
        if not window.start <= item.when < window.end:
            dropped[DROP_OUTSIDE_WINDOW] += 1
        elif item.id in seen:
            dropped[DROP_DUPLICATE] += 1
        else:
            seen.add(item.id)
            kept.append(item)
    return kept


def _window_of(connector: Connector, window: Window, lookbacks: Mapping[str, int]) -> Window:
    """The scope's look-back for this connector if it names one, else the wider of `window` and
    what the connector's manifest declares (the shift and IT-ticket sources read further)."""
    days = lookbacks.get(connector.name)
    if days is not None:
        return window_for(window.end, days)
    declared = window_for(window.end, connector.manifest().lookback_days)
    return declared if declared.start < window.start else window


async def collect(
    employee: Employee,
    connectors: Sequence[Connector],
    *,
    window: Window,
    config: CollectionConfig,
    lookbacks: Mapping[str, int] | None = None,
) -> Collection:
    """Fetch from every connector concurrently, then window, de-duplicate and privacy-filter.
    `lookbacks` (days by connector name, DESKGUARD_SCOPE__LOOKBACK_DAYS) gives a source its own
    window ending where `window` ends; the others read `window`."""
    windows = [_window_of(c, window, lookbacks or {}) for c in connectors]
    outcomes = await _gather(employee, connectors, windows, config)
    dropped: Counter[str] = Counter()
    fetched = [(w, result.items) for w, (_, result) in zip(windows, outcomes, strict=True)]
    in_window = _in_window(fetched, dropped)
    kept, filtered = filter_items(
        in_window,
        sensitive_patterns=config.sensitive_patterns,
        special_categories=config.special_categories,
    )
    dropped.update(filtered)
    return Collection(
        employee=employee.upn,
        window_start=min((w.start for w in windows), default=window.start),
        window_end=window.end,
        items=sorted(kept, key=lambda i: i.when),
        sources=[status for status, _ in outcomes],
        accesses=[a for _, result in outcomes for a in result.accesses],
        filtered=dict(dropped),
    )
