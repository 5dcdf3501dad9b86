"""DESKGUARD_RECOVERY__* settings: which identity provider runs the reset, with which
credentials and operation per action; notifications; bypass detection. `provider=none` keeps the
decision-only behaviour."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from context.config import GraphConfig, split_commas
from recovery.models import Operation
from recovery.okta import OktaConfig
from recovery.registry import ProviderName


class OperationSettings(BaseModel):
    """Per action, which provider operation runs (empty: the provider's default)."""

    mfa_reset: Operation | None = None
    password_reset: Operation | None = None


class NotifySettings(BaseModel):
    channels: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["graph_mail"])
    sender: str | None = None  # the service mailbox Graph sendMail sends from
    webhook_url: str | None = None  # gateway for personal addresses and phones
    personal_from_directory: bool = False  # Entra otherMails / mobilePhone
    templates_dir: Path | None = None  # the customer's own templates (same file names)
    public_url: str = "http://127.0.0.1:8000"  # where employees reach the "this wasn't me" page
    link_ttl_hours: int = Field(default=72, ge=1, le=24 * 14)
    # Whose manager is told too (with the action privileged_account).
    privileged_roles: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["it_admin"])

    _split = field_validator("channels", "privileged_roles", mode="before")(split_commas)


class RecoverySettings(BaseModel):
    provider: ProviderName = "none"
    okta: OktaConfig = Field(default_factory=OktaConfig)
    # Entra: deskguard's own app registration with the write permissions (not the reader's).
    entra: GraphConfig = Field(default_factory=GraphConfig)
    operations: OperationSettings = Field(default_factory=OperationSettings)
    revoke_sessions: bool = True
    tap_lifetime_minutes: int = Field(default=60, ge=10, le=480)
    lock_hours: int = Field(default=24, ge=1, le=24 * 7)  # after "this wasn't me"
    soc_webhook_url: str | None = None
    notify: NotifySettings = Field(default_factory=NotifySettings)
    okta_hook_secret: SecretStr | None = None  # the Event Hook's authScheme value
    okta_hook_header: str = "Authorization"  # ...and its header name
    bypass_window_minutes: int = Field(default=30, ge=1, le=24 * 60)
