"""Scripted connectors for collection tests: each answers after a delay, or fails, or hangs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar

from context.connectors.base import (
    AccessRecord,
    ConnectorError,
    EndpointDeclaration,
    FetchResult,
    SourceManifest,
    Window,
)
from context.models import (
    ContextItem,
    Employee,
    Involvement,
    ItemKind,
    Provenance,
    Sensitivity,
    Source,
)


def fake_item(
    item_id: str, when: datetime, title: str = "Sprint review", **kw: object
) -> ContextItem:
    """A small valid meeting item; keyword arguments override any field."""
    fields: dict[str, object] = {
        "id": item_id,
        "source": Source.CALENDAR,
        "kind": ItemKind.MEETING,
        "when": when,
        "title": title,
        "involvement": Involvement.ORGANIZER,
        "provenance": Provenance(connector="fake", ref=item_id, fetched_at=when),
        "sensitivity": Sensitivity.NORMAL,
    }
    fields.update(kw)
    return ContextItem.model_validate(fields)


@dataclass
class FakeConnector:
    """Answers `items` after `delay` seconds, or raises `error` instead."""

    label: str
    items: list[ContextItem] = field(default_factory=list)
    delay: float = 0.0
    error: Exception | None = None
    skipped: int = 0
    failures: list[str] = field(default_factory=list)  # parts that failed (FetchResult.failures)
    calls: list[str] = field(default_factory=list)
    name: ClassVar[str] = "fake"

    def __post_init__(self) -> None:
        # The protocol declares `name` as a ClassVar; a per-instance label keeps fakes apart.
        self.name = self.label  # type: ignore[misc]

    endpoint: str = "/fake"  # where it reads; its manifest declares /fake

    def manifest(self) -> SourceManifest:
        return SourceManifest(
            connector=self.label,
            description="fake",
            endpoints=[EndpointDeclaration(path="/fake")],
            fields=[],
            lookback_days=7,
        )

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        self.calls.append(employee.upn)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        access = AccessRecord(
            connector=self.label,
            endpoint=self.endpoint,
            at=datetime.now(UTC),
            items=len(self.items),
        )
        return FetchResult(
            items=list(self.items),
            skipped=self.skipped,
            accesses=[access],
            failures=list(self.failures),
        )


def failing(label: str, message: str) -> FakeConnector:
    return FakeConnector(label, error=ConnectorError(label, message))
