"""Settings from DESKGUARD_* environment variables (`__` nests). With none set, everything runs
offline on the embedded demo tenant with SQLite. The names are a user-facing contract."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from api.client_address import IPNetwork, parse_networks
from api.recovery_settings import RecoverySettings
from api.signals import SignalProvider
from context.config import (
    CollectionConfig,
    GitConfig,
    GitHubConfig,
    GraphConfig,
    JiraConfig,
    ShiftsConfig,
    WorkforceFileConfig,
    split_commas,
)
from context.scope import ScopeConfig
from prompts.config import LLMConfig, PromptVersions
from tickets.jsm import JSMConfig
from tickets.servicenow import ServiceNowConfig


class QuestionSettings(BaseModel):
    # NIST SP 800-63A-3 asks for at least 4; `deskguard eval` shows 7 lets genuine callers
    # forget up to three (decision@v9's max_incorrect, sized for 7) while attackers still get
    # nowhere; with 6 asked the same policy allows at most two wrong (under half).
    count: int = Field(default=7, ge=4, le=10)
    engine: Literal["auto", "template", "llm"] = "auto"  # auto: llm when a model is configured
    on_llm_failure: Literal["templates", "escalate"] = "templates"
    attacker_check: bool = True
    # The LLM engine's whole generation, in seconds; past it the templates write the set and the
    # reason is recorded. None: only the per-call DESKGUARD_LLM__TIMEOUT_SECONDS applies.
    llm_budget_seconds: float | None = Field(default=None, gt=0)


class GrantSettings(BaseModel):
    ttl_seconds: int = Field(default=900, ge=60, le=86400)  # a grant is good for 15 minutes
    issuer: str = Field(default="deskguard", min_length=1, max_length=200)


class TicketDeliveryConfig(BaseModel):
    """DESKGUARD_TICKETS__*: how hard deskguard tries to write into the ticket."""

    deadline_seconds: float = Field(default=5.0, gt=0, le=30)  # per attempt, inside a request
    max_attempts: int = Field(default=8, ge=1, le=50)  # then the write is given up (audited)
    retry_every_seconds: float = Field(default=60.0, ge=5)  # `serve`'s background retry


class AuditSettings(BaseModel):
    key: SecretStr | None = None  # keys the chain; default: audit.key in the data dir (0600)
    checkpoint_every: int = Field(default=100, ge=1, le=1_000_000)  # records between checkpoints


class PrivacySettings(BaseModel):
    """DESKGUARD_PRIVACY__*: how long a verification's content is kept (api/retention.py)."""

    # Grace after a verification is decided (or expires) before its question texts, expected
    # answers and evidence references are deleted. At least an hour: a verification being graded
    # is never purged under it.
    retention_hours: float = Field(default=24.0, ge=1, le=24 * 366)
    purge_every_seconds: float = Field(default=3600.0, ge=60)  # `serve`'s periodic purge


class SignalSettings(BaseModel):
    ttl_seconds: int = Field(default=300, ge=30, le=3600)  # how long a posted signal is used
    providers: list[SignalProvider] = Field(default_factory=list)  # who may sign signal tokens


class LimitSettings(BaseModel):
    """Throttling (429 with Retry-After). Counts are per sliding window; 0 turns a limit off."""

    window_seconds: int = Field(default=3600, ge=60, le=86400)  # for the start limits
    starts_per_employee: int = Field(default=20, ge=0)
    starts_per_ticket: int = Field(default=20, ge=0)
    starts_per_caller: int = Field(default=20, ge=0)  # per calling number
    starts_per_agent: int = Field(default=200, ge=0)  # per principal (key or OIDC subject)
    auth_failures_per_client: int = Field(default=20, ge=0)  # per client address
    auth_window_seconds: int = Field(default=300, ge=10, le=86400)


class OIDCSettings(BaseModel):
    """The company IdP (optional): bearer tokens for the API (with `audience`) and the console's
    "Sign in with <display_name>" (with `client_id`: Authorization Code flow with PKCE). The
    role comes from `roles_claim`, in bearer and ID tokens alike: a value `<role_prefix><role>`
    (e.g. deskguard.helpdesk) in that claim (a string or a list)."""

    issuer: str | None = None  # e.g. https://login.microsoftonline.com/<tenant>/v2.0
    audience: str | None = None  # the `aud` deskguard's app registration is issued for
    # The console's sign-in: the client (app registration) id, the ID token's `aud`.
    client_id: str | None = None
    client_secret: SecretStr | None = None  # none: a public client (PKCE alone binds the code)
    token_auth: Literal["client_secret_basic", "client_secret_post"] = "client_secret_basic"
    # Registered at the IdP; default: <this server as the browser reached it>/console/oidc/callback
    # (set it behind a proxy that changes the scheme, host or path).
    redirect_uri: str | None = None
    scopes: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["openid", "profile", "email"]
    )
    display_name: str = Field(default="your company account", min_length=1, max_length=60)
    roles_claim: str = "roles"
    role_prefix: str = "deskguard."
    algorithms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["RS256", "ES256", "EdDSA"]
    )
    jwks_cache_seconds: int = Field(default=300, ge=0, le=86400)
    timeout_seconds: float = Field(default=5.0, gt=0, le=30)

    _split = field_validator("algorithms", mode="before")(split_commas)

    @field_validator("scopes", mode="before")
    @classmethod
    def _split_scopes(cls, value: object) -> object:
        """ "openid profile email" or "openid,profile,email"."""
        return value.replace(",", " ").split() if isinstance(value, str) else value

    @field_validator("scopes")
    @classmethod
    def _openid_scope(cls, scopes: list[str]) -> list[str]:
        if "openid" not in scopes:
            raise ValueError("the scopes must include openid (no ID token without it)")
        return scopes

    @property
    def configured(self) -> bool:
        """IdP bearer tokens are accepted by the API."""
        return bool(self.issuer and self.audience)

    @property
    def console_configured(self) -> bool:
        """The console offers "Sign in with <display_name>"."""
        return bool(self.issuer and self.client_id)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DESKGUARD_", env_nested_delimiter="__", extra="ignore"
    )

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path.home() / ".deskguard"
    database_url: str | None = None
    connectors: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["demo"])
    verification_ttl_seconds: int = Field(default=600, ge=30, le=3600)
    # The judge's budget per answer (both references), for the service and `deskguard grade`.
    judge_timeout_seconds: float = Field(default=12.0, gt=0, le=600)
    policy_path: Path | None = None
    signing_keys: SecretStr | None = None  # JWKS of private Ed25519 keys; default: the data dir
    grants: GrantSettings = Field(default_factory=GrantSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    signals: SignalSettings = Field(default_factory=SignalSettings)
    log_level: str = "INFO"  # for `serve`; other commands log warnings only
    log_format: Literal["json", "console"] = "json"
    limits: LimitSettings = Field(default_factory=LimitSettings)
    redis_url: SecretStr | None = None  # limits shared by replicas; default: the database
    redis_prefix: str = "deskguard:"
    # Proxies (IPs, CIDRs) whose X-Forwarded-For is believed; empty: the socket peer is the client
    trusted_proxies: Annotated[list[IPNetwork], NoDecode] = Field(default_factory=list)
    oidc: OIDCSettings = Field(default_factory=OIDCSettings)
    graph: GraphConfig = Field(default_factory=GraphConfig)
    jira: JiraConfig = Field(default_factory=JiraConfig)
    git: GitConfig = Field(default_factory=GitConfig)
    github: GitHubConfig = Field(default_factory=GitHubConfig)
    shifts: ShiftsConfig = Field(default_factory=ShiftsConfig)
    wfm: WorkforceFileConfig = Field(default_factory=WorkforceFileConfig)
    collection: CollectionConfig = Field(default_factory=CollectionConfig)
    scope: ScopeConfig = Field(default_factory=ScopeConfig)  # whom and what may be read
    llm: LLMConfig = Field(default_factory=LLMConfig)
    prompts: PromptVersions = Field(default_factory=PromptVersions)
    questions: QuestionSettings = Field(default_factory=QuestionSettings)
    servicenow: ServiceNowConfig = Field(default_factory=ServiceNowConfig)
    jsm: JSMConfig = Field(default_factory=JSMConfig)
    tickets: TicketDeliveryConfig = Field(default_factory=TicketDeliveryConfig)
    recovery: RecoverySettings = Field(default_factory=RecoverySettings)

    _split = field_validator("connectors", mode="before")(split_commas)
    _networks = field_validator("trusted_proxies", mode="before")(parse_networks)

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> Settings:
        """Outside development a secret left at a placeholder is refused, so a copied example
        configuration cannot reach production."""
        if self.environment == "development":
            return self
        found = [name for name, value in _secrets(self) if _is_placeholder(value)]
        if found:
            raise ValueError(
                f"{', '.join(found)} still hold a placeholder value; set real secrets "
                "(or DESKGUARD_ENVIRONMENT=development for a local setup)"
            )
        return self

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'deskguard.db'}"

    @property
    def demo_mode(self) -> bool:
        return "demo" in self.connectors


PLACEHOLDER_SECRETS = frozenset({"changethis", "changeme", "change-me", "placeholder", "secret"})


def _is_placeholder(value: SecretStr) -> bool:
    return value.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS


def _secrets(model: BaseModel, prefix: str = "DESKGUARD_") -> Iterator[tuple[str, SecretStr]]:
    """Every secret in the settings, named by its environment variable."""
    for name, value in model:
        if isinstance(value, SecretStr):
            yield f"{prefix}{name.upper()}", value
        elif isinstance(value, BaseModel):
            yield from _secrets(value, f"{prefix}{name.upper()}__")


@lru_cache
def get_settings() -> Settings:
    return Settings()
