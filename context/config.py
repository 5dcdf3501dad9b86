"""Connector settings. api/settings.py nests these under DESKGUARD_GRAPH__*, DESKGUARD_JIRA__*,
DESKGUARD_GIT__*, DESKGUARD_GITHUB__*; the names are a user-facing contract (see README)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from context.models import Source

# Sources with few facts a week, each long remembered: read over sparse_lookback_days.
SPARSE_SOURCES = frozenset({Source.SHIFTS, Source.ITSM})


def sparse_days(lookback_days: int, sparse_lookback_days: int | None) -> int:
    """How far back SPARSE_SOURCES are read: their own look-back, never less than the rest's."""
    return max(lookback_days, sparse_lookback_days or lookback_days)


def split_commas(value: Any) -> Any:
    """Environment lists are comma-separated: "a,b" -> ["a", "b"]."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class GraphConfig(BaseModel):
    base_url: str = "https://graph.microsoft.com/v1.0"
    tenant_id: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    certificate_path: str | None = None
    access_token: SecretStr | None = None  # a token issued elsewhere (workload identity, tests)
    timeout_seconds: float = 8.0
    retry_budget_seconds: float = 10.0


class ShiftsConfig(GraphConfig):
    """Microsoft Teams Shifts through Graph (application permissions Schedule.Read.All,
    Team.ReadBasic.All, User.ReadBasic.All): the same credentials as DESKGUARD_GRAPH__*, under
    DESKGUARD_SHIFTS__*. `teams`: the schedule teams (stores, distribution centres) to read,
    comma-separated ids; empty: every team the employee has joined. `acts_as`: the user id
    (GUID) Graph wants in MS-APP-ACTS-AS with an application token."""

    teams: Annotated[list[str], NoDecode] = Field(default_factory=list)
    acts_as: str | None = None

    _split = field_validator("teams", mode="before")(split_commas)


class WorkforceFileConfig(BaseModel):
    """A workforce-management export (UKG, Workday, Legion...): a CSV or JSON file, one row per
    shift (schema in the README), DESKGUARD_WFM__PATH."""

    path: str | None = None
    timeout_seconds: float = 8.0


class ServiceNowSourceConfig(BaseModel):
    """The employee's own ServiceNow tickets as context: the same instance and service account
    as DESKGUARD_SERVICENOW__* (api/runtime passes that section), read with pysnc."""

    instance: str | None = None
    username: str | None = None
    password: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    ca_bundle: str | None = None
    timeout_seconds: float = 8.0


class JsmSourceConfig(BaseModel):
    """The employee's own Jira Service Management requests as context: the same site and token
    as DESKGUARD_JSM__* (api/runtime passes that section), read with the `jira` client."""

    url: str | None = None
    email: str | None = None
    token: SecretStr | None = None
    timeout_seconds: float = 8.0


class JiraConfig(BaseModel):
    url: str | None = None
    email: str | None = None  # with token: Jira Cloud API token (basic auth)
    token: SecretStr | None = None  # alone: bearer personal access token (Server/Data Center)
    timeout_seconds: float = 8.0


class GitConfig(BaseModel):
    repos: Annotated[list[str], NoDecode] = Field(default_factory=list)  # "a,b" in the env
    timeout_seconds: float = 8.0

    _split = field_validator("repos", mode="before")(split_commas)


class GitHubConfig(BaseModel):
    """GitHub (or GitHub Enterprise Server: base_url https://HOST/api/v3) REST API."""

    base_url: str = "https://api.github.com"
    token: SecretStr | None = None  # sent as a bearer token; public repositories work without
    repos: Annotated[list[str], NoDecode] = Field(default_factory=list)  # "owner/a,owner/b"
    timeout_seconds: float = 8.0
    max_pages: int = 5  # per repository and author filter, 100 commits a page

    _split = field_validator("repos", mode="before")(split_commas)


class CollectionConfig(BaseModel):
    lookback_days: int = 7
    # The shift and IT-ticket sources (SPARSE_SOURCES) read this far back (never less than
    # lookback_days) unless DESKGUARD_SCOPE__LOOKBACK_DAYS names them: a week holds one or two
    # of their facts, each long remembered (a swap, a broken handheld), and frontline staff
    # have nothing else to be asked about.
    sparse_lookback_days: int = Field(default=14, ge=1, le=90)
    # Special categories the privacy filter drops (context/special_categories.yaml); None: all.
    # `uncertain` items (a personal matter that names no work) are dropped whatever this says.
    special_categories: Annotated[list[str] | None, NoDecode] = None
    per_source_timeout_seconds: float = 8.0
    deadline_seconds: float = 15.0
    _split_categories = field_validator("special_categories", mode="before")(split_commas)
    # Extra regular expressions (any field) on top of the classifier, e.g. project code names.
    sensitive_patterns: list[str] = Field(
        default_factory=lambda: [
            r"\b(medical|doctor|dentist|therapy|therapist|clinic|hospital|health)\b",
            r"\b(hr case|grievance|disciplinary|performance improvement|pip review)\b",
            r"\b(legal|lawyer|attorney|litigation|settlement)\b",
            r"\b(salary|compensation|payroll|bonus|pay review|raise)\b",
            r"\b(interview|resignation|termination|layoff|redundanc\w*)\b",
        ]
    )
