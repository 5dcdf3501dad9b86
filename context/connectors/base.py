"""The connector contract: one small protocol, a declared manifest, and what a fetch returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from context.models import ContextItem, Employee, PublicProfile


@dataclass(frozen=True)
class Window:
    """The look-back window, [start, end), timezone-aware."""

    start: datetime
    end: datetime


class FieldDeclaration(BaseModel):
    """A field a connector reads, with its fideslang data category (e.g. `user.workplace`)."""

    name: str
    category: str


class EndpointDeclaration(BaseModel):
    method: str = "GET"
    path: str  # path template, e.g. /users/{id}/calendarView
    fields: list[str] = Field(default_factory=list)  # what $select / fields= asks for


class SourceManifest(BaseModel):
    """What a connector reads, why, and for how long: the privacy reviewer's view of a source."""

    connector: str
    description: str
    endpoints: list[EndpointDeclaration]
    fields: list[FieldDeclaration]
    data_use: str = "essential.service.security"
    data_subject: str = "employee"
    lookback_days: int
    retention: str = "deleted when the verification ends"
    third_parties: list[str] = Field(default_factory=list)


class AccessRecord(BaseModel):
    """One call a connector made: logged for every verification (privacy audit)."""

    connector: str
    endpoint: str
    fields: list[str] = Field(default_factory=list)
    at: datetime
    items: int = 0
    status: str = "ok"


class FetchResult(BaseModel):
    items: list[ContextItem] = Field(default_factory=list)
    skipped: int = 0  # malformed items skipped and counted, never fatal
    accesses: list[AccessRecord] = Field(default_factory=list)
    # Parts of the source that failed while the rest answered (one repository of several), each
    # naming the part: the source then counts as failed (context/collect.py), its items are kept.
    failures: list[str] = Field(default_factory=list)


@runtime_checkable
class Connector(Protocol):
    """A source of context items for one employee. Implementations must not raise for a single
    malformed item; they raise `ConnectorError` (or time out) when the source as a whole fails."""

    name: ClassVar[str]

    def manifest(self) -> SourceManifest: ...

    async def fetch(self, employee: Employee, window: Window) -> FetchResult: ...


@runtime_checkable
class Directory(Protocol):
    """Where employees are looked up (the demo tenant, or Graph `/users/{upn}`)."""

    async def get_employee(self, upn: str) -> Employee | None: ...

    async def list_employees(self) -> list[Employee]: ...

    async def public_profile(self, upn: str) -> PublicProfile | None: ...


class ConnectorError(Exception):
    """A source failed as a whole. The message must never carry a secret."""

    def __init__(self, connector: str, message: str) -> None:
        super().__init__(f"{connector}: {message}")
        self.connector = connector


@dataclass(frozen=True)
class BuildContext:
    """What every connector is built with besides its own settings section."""

    lookback_days: int = 7  # stated in the manifest: what is really read
    data_dir: Path | None = None  # local state (the demo tenant's repositories)
    now: datetime | None = None
    sparse_lookback_days: int | None = None  # for a connector serving SPARSE_SOURCES among others


@runtime_checkable
class DirectorySource(Protocol):
    """A connector that also serves the employee directory and the company's public facts (the
    demo tenant does); without one, the directory comes from Microsoft Graph."""

    def directory(self) -> Directory: ...

    def company(self) -> tuple[str, list[str]]: ...
