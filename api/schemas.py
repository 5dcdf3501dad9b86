"""Request and response bodies. `*Create` come in, `*Public` go to the help desk (never an
expected answer, evidence or raw context), `*Detail` go to security and audit roles."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from api.verification_record import CallerRef as CallerRef
from api.verification_record import EvidenceRef, Generation, PurgeRecord
from api.verification_record import TicketRef as TicketRef
from context.connectors.base import AccessRecord
from grading.models import DecisionOutcome, Grade, Signal
from questions.models import DroppedQuestion, Question
from vocabulary.answers import AnswerKind

UPN = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,255}$")
MAX_ANSWER_BYTES = 1024


class SignalIn(BaseModel):
    """A risk score in the help desk's own request: recorded, but unproven (see POST /v1/signals
    and `signal_token` for scores the agent cannot choose)."""

    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0.0, le=1.0)
    source: str | None = Field(default=None, max_length=64)
    reasons: list[str] = Field(default_factory=list, max_length=10)


class VerificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    employee: str = Field(
        description="The caller's claimed identity (UPN).",
        json_schema_extra={"pattern": UPN.pattern, "examples": ["jane.doe@corp.example"]},
    )
    action: str = Field(
        description="An action of the decision policy: password_reset | mfa_reset | "
        "privileged_account",
        json_schema_extra={"examples": ["password_reset", "mfa_reset", "privileged_account"]},
    )
    ticket: TicketRef | None = None
    signal: SignalIn | None = None
    call_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="The call, as the risk provider names it",
    )
    signal_token: str | None = Field(
        default=None,
        min_length=1,
        max_length=8192,
        description="A JWS from a configured risk provider, bound to this ticket or call",
    )
    caller: CallerRef | None = None  # the calling number and channel: limits and velocity

    @field_validator("employee")
    @classmethod
    def _upn(cls, value: str) -> str:
        if not UPN.match(value.strip()):
            raise ValueError("employee must be a user principal name such as jane@corp.example")
        return value.strip().lower()


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: str = Field(min_length=1, max_length=20)
    response: str

    @field_validator("response")
    @classmethod
    def _size(cls, value: str) -> str:
        if len(value.encode()) > MAX_ANSWER_BYTES:
            raise ValueError(f"response is longer than {MAX_ANSWER_BYTES} bytes")
        return value


class AnswersSubmit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[AnswerIn] = Field(min_length=1, max_length=20)


class QuestionPublic(BaseModel):
    id: str
    text: str
    kind: AnswerKind


class SourcePublic(BaseModel):
    connector: str
    status: str


class VerificationPublic(BaseModel):
    id: str
    status: str  # pending | decided
    employee: str
    action: str
    ticket: TicketRef | None = None
    questions: list[QuestionPublic]
    created_at: datetime
    expires_at: datetime
    decision: DecisionOutcome | None = None
    reasons: list[str] = Field(default_factory=list)
    receipt: str | None = Field(
        default=None, description="The signed grant (JWS, Ed25519) of the decision; see JWKS"
    )
    sources: list[SourcePublic] = Field(default_factory=list)
    engine: str


class TicketUpdatePublic(BaseModel):
    """One write into the ticket, as the security role sees it (never the note's reasons)."""

    stage: str
    system: str
    number: str
    status: str  # pending | sent | failed
    attempts: int
    last_error: str | None = None
    sent_at: datetime | None = None


class VerificationDetail(VerificationPublic):
    """For security and auditor roles: what was asked, expected, answered and why."""

    question_details: list[Question]  # with expected answers, variants and evidence ids
    agent_reasons: list[str] = Field(default_factory=list)  # what the help desk was told
    signal: Signal | None = None  # the risk signal used, with its provenance
    grades: list[Grade] = Field(default_factory=list)
    dropped: list[DroppedQuestion] = Field(default_factory=list)
    evidence: list[EvidenceRef] = Field(default_factory=list)
    accesses: list[AccessRecord] = Field(default_factory=list)
    policy: str | None = None
    entropy_bits: float | None = None
    generation: Generation  # engine, prompt@vN + hash, fallback, model usage
    filtered: dict[str, int] = Field(default_factory=dict)  # items the privacy filter dropped
    ticket_updates: list[TicketUpdatePublic] = Field(default_factory=list)  # notes to the ticket
    caller: CallerRef | None = None
    velocity: list[str] = Field(default_factory=list)  # the policy's velocity flags
    created_by: str | None = None  # the principal that started it
    purged: PurgeRecord | None = None  # texts, answers and references deleted (retention)
    out_of_scope_sources: list[str] = Field(default_factory=list)  # left out by scope settings
    # why each source that was not ok failed, by connector ("git: repo /x failed: ..."); no secret
    source_errors: dict[str, str] = Field(default_factory=dict)


class ReceiptCheck(BaseModel):
    """A receipt to check, and optionally what it must be for."""

    model_config = ConfigDict(extra="forbid")

    receipt: str = Field(min_length=1, max_length=4096, description="The JWS from a decision")
    employee: str | None = Field(default=None, max_length=320)
    action: str | None = Field(default=None, max_length=40)
    ticket: TicketRef | None = None


class ReceiptProblem(BaseModel):
    code: str  # grant_invalid | grant_expired | grant_mismatch
    message: str


class ReceiptVerdict(BaseModel):
    """`valid` says the receipt is authentic, live and matches; `decision` says what it records
    (a valid receipt of a `deny` is never permission)."""

    valid: bool
    decision: str | None = None
    employee: str | None = None
    action: str | None = None
    ticket: str | None = None
    verification_id: str | None = None
    expires_at: datetime | None = None
    problem: ReceiptProblem | None = None


class AuditRecordPublic(BaseModel):
    seq: int
    at: datetime
    actor: str
    event: str
    verification_id: str | None
    detail: dict[str, JsonValue]  # as the event wrote it: shapes differ by event
    hash: str
    valid: bool  # its keyed hash matches (edits show up here and in `deskguard audit verify`)


class AuditPage(BaseModel):
    records: list[AuditRecordPublic]
    next_cursor: str | None = None  # pass as `cursor` for the next page; None: no more
    intact: bool  # every record of this page is unaltered; the whole chain: `audit verify`


class CheckpointPublic(BaseModel):
    checkpoint: str | None  # JWS (Ed25519) of the head; None while the log is empty
    seq: int | None = None
    head: str | None = None


class SignalCreate(BaseModel):
    """A risk score from the provider, for the ticket or the call it names."""

    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0.0, le=1.0)
    source: str = Field(min_length=1, max_length=64)
    reasons: list[str] = Field(default_factory=list, max_length=10)
    ticket: TicketRef | None = None
    call_id: str | None = Field(default=None, min_length=1, max_length=100)
    employee: str | None = Field(default=None, max_length=320)


class SignalPublic(BaseModel):
    id: str
    expires_at: datetime
    ticket: str | None = None  # "system:id"
    call_id: str | None = None
