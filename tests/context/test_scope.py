"""Scope controls: exclusions, sources per country or department, a look-back per source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest

from context.collect import collect, window_for
from context.config import CollectionConfig
from context.connectors.base import FetchResult, SourceManifest, Window
from context.models import ContextItem, Employee, Involvement, ItemKind, Provenance, Source
from context.registry import build_connectors
from context.scope import ScopeConfig, allowed_sources, exclusion, sources_for

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def person(**fields: object) -> Employee:
    base: dict[str, object] = {
        "upn": "ann@example.com", "name": "Ann", "title": "Engineer", "department": "Platform",
        "role": "engineer", "country": "DE",
    }  # fmt: skip
    return Employee.model_validate(base | fields)


class Recording:
    """A connector that serves one item a day for 20 days and records the window it was given."""

    name: ClassVar[str] = "jira"

    def __init__(self, name: str, declared: int = 7) -> None:
        self.name = name  # type: ignore[misc]
        self.declared = declared  # the look-back its manifest states
        self.windows: list[Window] = []

    def manifest(self) -> SourceManifest:
        return SourceManifest(connector=self.name, description="x", endpoints=[], fields=[],
                              lookback_days=self.declared)  # fmt: skip

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        self.windows.append(window)
        items = [
            ContextItem(
                id=f"{self.name}:{day}",
                source=Source.JIRA,
                kind=ItemKind.TICKET,
                when=NOW - timedelta(days=day, hours=1),
                title=f"Distinct work item {day}",
                involvement=Involvement.ASSIGNEE,
                provenance=Provenance(connector=self.name, ref=str(day), fetched_at=NOW),
            )
            for day in range(20)
        ]
        return FetchResult(items=items)


def test_excluded_employees_and_departments_say_why() -> None:
    scope = ScopeConfig.model_validate(
        {"excluded_employees": "ANN@example.com", "excluded_departments": "Works Council, Legal"}
    )
    assert "this employee is excluded" in (exclusion(scope, person()) or "")
    council = person(upn="bo@example.com", department="works council")
    assert "works council department is excluded" in (exclusion(scope, council) or "")
    assert exclusion(scope, person(upn="cy@example.com")) is None


def test_sources_per_country_and_department_only_narrow() -> None:
    scope = ScopeConfig(
        sources_by_country={"DE": ["graph", "jira"], "FR": ["jira", "git"]},
        sources_by_department={"Platform": ["jira", "git"]},
    )
    assert allowed_sources(scope, person()) == {"jira"}  # DE and Platform both apply
    assert allowed_sources(scope, person(department="Sales")) == {"graph", "jira"}
    assert allowed_sources(scope, person(country="US", department="Sales")) is None
    # an unknown country never widens what is read: what every listed country allows
    assert allowed_sources(scope, person(country=None, department="Sales")) == {"jira"}
    connectors = [Recording("graph"), Recording("jira"), Recording("git")]
    kept, left_out = sources_for(scope, person(), connectors)  # type: ignore[arg-type]
    assert [c.name for c in kept] == ["jira"] and left_out == ["graph", "git"]


async def test_each_source_reads_its_own_look_back() -> None:
    jira, git = Recording("jira"), Recording("git")
    window = window_for(NOW, 7)
    collection = await collect(
        person(), [jira, git], window=window, config=CollectionConfig(),  # type: ignore[list-item]
        lookbacks={"git": 3},
    )  # fmt: skip
    assert jira.windows == [window] and git.windows == [window_for(NOW, 3)]
    days = {c: sorted(int(i.id.split(":")[1]) for i in collection.items if i.id.startswith(c))
            for c in ("jira", "git")}  # fmt: skip
    assert days == {"jira": list(range(7)), "git": list(range(3))}
    assert collection.window_start == window.start


async def test_a_source_whose_manifest_reads_further_gets_that_window() -> None:
    jira, shifts, wfm = Recording("jira"), Recording("shifts", 14), Recording("wfm", 14)
    window = window_for(NOW, 7)
    collection = await collect(
        person(), [jira, shifts, wfm], window=window, config=CollectionConfig(),  # type: ignore[list-item]
        lookbacks={"wfm": 5},
    )  # fmt: skip
    assert jira.windows == [window] and shifts.windows == [window_for(NOW, 14)]
    assert wfm.windows == [window_for(NOW, 5)]  # the scope's look-back wins over the manifest
    kept = [i for i in collection.items if i.id.startswith("shifts")]
    assert len(kept) == 14 and collection.window_start == window_for(NOW, 14).start


def test_shift_and_it_ticket_connectors_read_the_sparse_look_back() -> None:
    names = ["jira", "shifts", "wfm", "servicenow", "jsm"]
    connectors = build_connectors(
        names, lookback_days=7, sparse_lookback_days=14, lookbacks={"jsm": 3}
    )
    days = {c.name: c.manifest().lookback_days for c in connectors}
    assert days == {"jira": 7, "shifts": 14, "wfm": 14, "servicenow": 14, "jsm": 3}
    wide = build_connectors(names, lookback_days=30, sparse_lookback_days=14)
    assert {c.manifest().lookback_days for c in wide} == {30}  # never less than the rest


def test_manifests_state_each_sources_own_look_back(tmp_path: object) -> None:
    connectors = build_connectors(["jira", "git"], lookback_days=7, lookbacks={"git": 3})
    assert {c.name: c.manifest().lookback_days for c in connectors} == {"jira": 7, "git": 3}
    with pytest.raises(ValueError, match="unknown connector"):
        build_connectors(["jira"], lookbacks={"gti": 3})
