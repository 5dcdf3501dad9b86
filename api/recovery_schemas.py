"""Bodies of the recovery endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import TicketRef


class RecoveryCreate(BaseModel):
    """What the agent presents. `action` and `ticket`, when given, must be the verification's."""

    model_config = ConfigDict(extra="forbid")

    grant: str | None = Field(
        default=None, max_length=4096, description="The allow grant returned with the decision"
    )
    action: str | None = Field(default=None, max_length=40)
    ticket: TicketRef | None = None


class StepPublic(BaseModel):
    name: str
    request_id: str | None = None


class OneTimeSecretPublic(BaseModel):
    """Shown once, to be read to the caller; deskguard keeps no copy."""

    kind: str  # temporary_access_pass | temporary_password
    value: str
    expires_at: datetime | None = None


class DeliveryPublic(BaseModel):
    kind: str
    to: str
    channel: str | None
    ok: bool
    error: str | None = None


class RecoveryPublic(BaseModel):
    id: str | None = None
    verification_id: str
    status: str  # done | not_configured
    performed: bool
    provider: str
    action: str
    operation: str | None = None
    steps: list[StepPublic] = Field(default_factory=list)
    delivered_to: str | None = None
    one_time_secret: OneTimeSecretPublic | None = None
    notified: list[DeliveryPublic] = Field(default_factory=list)
    message: str


class AlertPublic(BaseModel):
    seq: int
    at: datetime
    kind: str
    employee: str
    detail: dict[str, Any]


class AlertsPublic(BaseModel):
    alerts: list[AlertPublic]


class DisputeOutcome(BaseModel):
    verification_id: str
    revoked: list[StepPublic]
    locked_until: datetime
    errors: list[str] = Field(default_factory=list)
