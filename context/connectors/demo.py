"""The demo connector and directory: serve the embedded demo tenant through the same contracts
the real sources (Graph, Jira, git) implement, so the whole flow runs offline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from pydantic import BaseModel

from context.config import SPARSE_SOURCES, sparse_days
from context.connectors.base import (
    AccessRecord,
    BuildContext,
    EndpointDeclaration,
    FetchResult,
    FieldDeclaration,
    SourceManifest,
    Window,
)
from context.demo import Organisation
from context.models import Employee, PublicProfile

ITEMS_PATH = "/demo/users/{upn}/items"
# What each demo item carries, in the fideslang vocabulary reviewers already know.
FIELDS: tuple[tuple[str, str], ...] = (
    ("when", "user.workplace"),
    ("end", "user.workplace"),
    ("title", "user.content.private"),  # meeting and mail subjects, ticket and commit titles
    ("involvement", "user.workplace"),
    ("participants.name", "user.name"),
    ("participants.email", "user.contact.email"),
    ("identifiers", "system.operations"),
    ("extra", "system.operations"),
    ("sensitivity", "user.content.private"),
    ("cancelled", "user.workplace"),
    ("series_id", "system.operations"),
    ("audience.people", "user.name"),
    ("audience.scope/group/size", "system.operations"),
)


class DemoConnector:
    """All four sources of the demo tenant (calendar, mail, Jira, git) as one connector."""

    name: ClassVar[str] = "demo"
    config_type: ClassVar[type[BaseModel] | None] = None  # no settings: the tenant is embedded

    def __init__(
        self, org: Organisation, *, lookback_days: int = 7, sparse_lookback_days: int | None = None
    ) -> None:
        self.org = org
        # What a fetch reads: the tenant holds org.days of activity, the window is this long
        # (the shift and IT-ticket items, SPARSE_SOURCES, over the sparse look-back).
        self.lookback_days = lookback_days
        self.sparse_lookback_days = sparse_days(lookback_days, sparse_lookback_days)

    @classmethod
    def from_config(cls, config: None, context: BuildContext) -> DemoConnector:
        """The embedded tenant, its repositories materialised under the data directory."""
        from context.demo import load_demo_tenant

        if context.data_dir is None:
            raise ValueError("the demo connector needs a data directory for its repositories")
        tenant = load_demo_tenant(context.data_dir, now=context.now)
        return cls(
            tenant,
            lookback_days=context.lookback_days,
            sparse_lookback_days=context.sparse_lookback_days,
        )

    def directory(self) -> DemoDirectory:
        return DemoDirectory(self.org)

    def company(self) -> tuple[str, list[str]]:
        return self.org.company.name, self.org.company.facts()

    def manifest(self) -> SourceManifest:
        names = [name for name, _ in FIELDS]
        return SourceManifest(
            connector=self.name,
            description="Embedded synthetic tenant (Larkspur Goods Co.): calendar, sent-mail "
            f"metadata, Jira ticket events and git commits over {self.lookback_days} days, "
            f"shifts and IT tickets over {self.sparse_lookback_days}; no real person's data.",
            endpoints=[EndpointDeclaration(path=ITEMS_PATH, fields=names)],
            fields=[FieldDeclaration(name=n, category=c) for n, c in FIELDS],
            lookback_days=self.sparse_lookback_days,
        )

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        """The employee's items with window.start <= when < window.end (the sources other than
        SPARSE_SOURCES over no more than lookback_days), and one access record."""
        rest = max(window.start, window.end - timedelta(days=self.lookback_days))
        items = [
            i
            for i in self.org.items(employee.upn)
            if (window.start if i.source in SPARSE_SOURCES else rest) <= i.when < window.end
        ]
        access = AccessRecord(
            connector=self.name,
            endpoint=ITEMS_PATH.format(upn=employee.upn),
            fields=[name for name, _ in FIELDS],
            at=datetime.now(UTC),
            items=len(items),
            status="ok" if self.org.employee(employee.upn) else "not_found",
        )
        return FetchResult(items=items, accesses=[access])


class DemoDirectory:
    """The demo tenant's employee directory and public profiles."""

    def __init__(self, org: Organisation, *, lookback_days: int = 7) -> None:
        self.org = org
        # What a fetch reads: the tenant holds org.days of activity, the window is this long.
        self.lookback_days = lookback_days

    async def get_employee(self, upn: str) -> Employee | None:
        return self.org.employee(upn)

    async def list_employees(self) -> list[Employee]:
        return list(self.org.employees)

    async def public_profile(self, upn: str) -> PublicProfile | None:
        return self.org.profile(upn) if self.org.employee(upn) else None
