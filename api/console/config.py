"""Console settings: DESKGUARD_CONSOLE__* environment variables (the same prefix and nesting as
api/settings.py; kept here so the console owns its own knobs)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DESKGUARD_CONSOLE__", extra="ignore")

    # Where a deny or escalate sends the caller: named on the decision page, word for word.
    transfer_to: str = "the identity security team (ext. 4400, queue IDSEC)"
    # Signs the session cookie. Generated once into the data directory when not set.
    session_secret: SecretStr | None = None
    session_hours: int = Field(default=8, ge=1, le=24)
    # Secure cookies (HTTPS only); on by default when DESKGUARD_ENVIRONMENT=production.
    secure_cookies: bool | None = None
    # The latest `deskguard eval` report shown to the security role (default:
    # DESKGUARD_DATA_DIR/eval-report/report.md).
    eval_report: Path | None = None
