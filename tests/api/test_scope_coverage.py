"""`deskguard context employees` reads each employee as a verification would (issue 14): an
excluded employee's sources are never called, a works council's source list and a source's own
look-back apply, and the sources scope left out are listed."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from api.access_log import READ_EVENT, Access
from api.cli.context_cmd import _coverage
from context.connectors.base import Connector, FetchResult, SourceManifest, Window
from context.models import Employee
from context.scope import ScopeConfig
from tests.api.conftest import START, Deskguard
from tests.api.test_demo_and_cli import DESKGUARD
from tests.api.test_scope_service import scoped
from tests.fakes.collect_sources import FakeConnector

CISO = "priya.raman@larkspurgoods.example"  # excluded by name
FINANCE = "greg.alvarez@larkspurgoods.example"  # excluded by department
ENGINEER = "daniel.okafor@larkspurgoods.example"  # Engineering: git only, 3 days
IT_ADMIN = "marcus.bell@larkspurgoods.example"  # no rule applies
SCOPE = ScopeConfig(
    excluded_employees=[CISO.upper()],
    excluded_departments=["finance"],
    sources_by_department={"Engineering": ["git"]},
    lookback_days={"git": 3},
)


@dataclass
class Recording:
    """A connector that records whom it was asked about, and over which window."""

    inner: Connector
    label: str
    reads: list[tuple[str, Window]] = field(default_factory=list)
    name: ClassVar[str] = "recording"

    def __post_init__(self) -> None:
        self.name = self.label  # type: ignore[misc]

    def manifest(self) -> SourceManifest:
        return self.inner.manifest()

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        self.reads.append((employee.upn, window))
        return await self.inner.fetch(employee, window)


def recorded(demo_data_dir: Path, tmp_path: Path) -> tuple[Deskguard, Recording, Recording]:
    dg = scoped(demo_data_dir, tmp_path, SCOPE)
    demo = Recording(dg.runtime.connectors[0], "demo")
    git = Recording(FakeConnector("git"), "git")
    dg.runtime.connectors = [demo, git]
    return dg, demo, git


def coverage(dg: Deskguard) -> dict[str, dict[str, Any]]:
    rows = asyncio.run(_coverage(dg.runtime, Access(actor="cli:test", purpose="coverage test")))
    return {row["employee"]: row for row in rows}


def test_excluded_employees_are_listed_with_the_reason_and_never_read(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    dg, demo, git = recorded(demo_data_dir, tmp_path)
    rows = coverage(dg)
    assert "this employee is excluded" in rows[CISO]["excluded"]
    assert "Finance department is excluded" in rows[FINANCE]["excluded"]
    for upn in (CISO, FINANCE):
        assert rows[upn]["items"] == 0 and rows[upn]["sources"] == {}
        assert rows[upn]["out_of_scope_sources"] == ["demo", "git"]
        assert rows[upn]["thin"] is False
    read = {upn for upn, _ in [*demo.reads, *git.reads]}
    assert CISO not in read and FINANCE not in read
    assert IT_ADMIN in read  # the recorders do see the others
    audited = {r.subject for r in dg.runtime.audit.page(limit=10_000) if r.event == READ_EVENT}
    assert len(audited) == len(rows) - 2  # a read for every employee but the two excluded


def test_source_lists_and_look_backs_apply_as_in_a_verification(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    dg, demo, git = recorded(demo_data_dir, tmp_path)
    rows = coverage(dg)
    engineer = rows[ENGINEER]
    assert engineer["excluded"] is None and engineer["out_of_scope_sources"] == ["demo"]
    assert engineer["items"] == 0 and engineer["thin"] is True  # the fake git has nothing
    assert ENGINEER not in {upn for upn, _ in demo.reads}
    assert [w.start for upn, w in git.reads if upn == ENGINEER] == [START - timedelta(days=3)]

    admin = rows[IT_ADMIN]
    assert admin["excluded"] is None and admin["out_of_scope_sources"] == []
    declared = demo.manifest().lookback_days  # the demo's shifts and tickets: the sparse one
    assert declared == dg.settings.collection.sparse_lookback_days
    assert [w.start for upn, w in demo.reads if upn == IT_ADMIN] == [
        START - timedelta(days=declared)
    ]
    # the same items a verification started now would see
    started = dg.start(IT_ADMIN)
    row = dg.runtime.db.get_verification(started["id"])
    assert row is not None and row.collection.items_seen == admin["items"] > 0


def test_the_cli_shows_exclusions_and_left_out_sources(demo_data_dir: Path) -> None:
    env = {
        **os.environ,
        "DESKGUARD_DATA_DIR": str(demo_data_dir),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "DESKGUARD_SCOPE__EXCLUDED_EMPLOYEES": CISO,
        "DESKGUARD_SCOPE__SOURCES_BY_DEPARTMENT": '{"Engineering": ["git"]}',
    }

    def cli(*args: str) -> str:
        done = subprocess.run(
            [*DESKGUARD, "context", "employees", *args],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    rows = {r["employee"]: r for r in json.loads(cli("--json"))["employees"]}
    assert rows[CISO]["excluded"] and rows[CISO]["items"] == 0
    assert rows[ENGINEER]["out_of_scope_sources"] == ["demo"] and rows[ENGINEER]["items"] == 0
    assert rows[IT_ADMIN]["items"] > 0 and rows[IT_ADMIN]["out_of_scope_sources"] == []
    lines = {line.split()[0]: line for line in cli().splitlines()}
    assert "excluded: this employee is excluded" in lines[CISO]
    assert "not read (scope): demo" in lines[ENGINEER]
    assert "not read" not in lines[IT_ADMIN] and "excluded" not in lines[IT_ADMIN]


def test_context_pull_lists_the_sources_scope_left_out(demo_data_dir: Path) -> None:
    env = {
        **os.environ,
        "DESKGUARD_DATA_DIR": str(demo_data_dir),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "DESKGUARD_SCOPE__SOURCES_BY_DEPARTMENT": '{"Engineering": ["git"]}',
    }

    def pull(upn: str, *args: str) -> str:
        done = subprocess.run(
            [*DESKGUARD, "context", "pull", "--employee", upn, *args],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    engineer = json.loads(pull(ENGINEER, "--json"))
    assert engineer["out_of_scope_sources"] == ["demo"] and engineer["items"] == []
    admin = json.loads(pull(IT_ADMIN, "--json"))
    assert admin["out_of_scope_sources"] == [] and admin["items"]  # same key as the coverage rows
    assert "not read (scope): demo" in pull(ENGINEER)
    assert "not read" not in pull(IT_ADMIN)
