"""Grading contract: one grade line in, one verdict out (see README, "Grade lines")."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from vocabulary.answers import AnswerKind as AnswerKind
from vocabulary.answers import Verdict as Verdict


class GradeRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    question: str
    expected: str
    kind: AnswerKind
    variants: list[str] = Field(default_factory=list)
    response: str = Field(max_length=1024)
    asked_at: datetime | None = None
    timezone: str | None = None
    label: Verdict | None = None
    # Other people in the organisation (display names, from the directory): a spoken name
    # closer to one of them than to the expected person is that other person.
    people: list[str] | None = Field(default=None, max_length=100_000)


class GradeFlag(StrEnum):
    """Marks on a grade that the decision policy reads (Grade.flags holds their values)."""

    DONT_KNOW = "dont_know"
    INJECTION = "injection"  # the answer carried instructions to the grader
    JUDGE_UNAVAILABLE = "judge_unavailable"  # the LLM judge failed; graded without it
    GRADER_ERROR = "grader_error"  # the grader itself failed; graded incorrect
    ERROR = "error"  # the request could not be graded (bad ISO value, unknown time zone)
    REUSED_ANSWER = "reused_answer"  # the same answer was given to another question (reuse.py)


class Grade(BaseModel):
    id: str
    kind: AnswerKind  # the question's answer kind: the policy weighs guessability by it
    verdict: Verdict
    score: float = Field(ge=0.0, le=1.0)
    method: str
    reason: str
    flags: list[str] = Field(default_factory=list)  # GradeFlag values
    grader: str | None = (
        None  # which grader produced it, e.g. "deterministic@4+llm:answer_judge@v1"
    )


class SignalProvenance(StrEnum):
    """Where a risk score came from; the policy decides what each is worth."""

    PROVIDER_API = "provider_api"  # the risk provider posted it server to server
    PROVIDER_JWS = "provider_jws"  # signed by the risk provider, checked against its JWKS
    AGENT = "agent"  # in the help desk's own request: the agent (or a stolen key) chose it


class Signal(BaseModel):
    """Device/network risk from a separate system: 0 = clean, 1 = certainly attacker infra."""

    score: float = Field(ge=0.0, le=1.0)
    source: str | None = None
    reasons: list[str] = Field(default_factory=list)
    provenance: SignalProvenance = SignalProvenance.AGENT  # unproven unless deskguard checked
    id: str | None = None  # the posted signal's id (provider_api)


class DecisionOutcome(StrEnum):
    ALLOW = "allow"
    DENY = "deny"
    ESCALATE = "escalate"


class Decision(BaseModel):
    decision: DecisionOutcome
    reasons: list[str]  # for security and audit: counts, scores, thresholds
    # For the help desk (and so the caller): policy language, no count, score or verdict that
    # would tell a caller which answers were right.
    agent_reasons: list[str] = Field(default_factory=list)
    policy: str  # name@version
    score: float = 0.0
    entropy_bits: float = 0.0
    # Where an escalation goes when questions cannot verify this employee (the policy's
    # `thin_context.route`, e.g. manager_approval); None: the ordinary escalation.
    route: str | None = None


def grader_failure(request: GradeRequest, error: str) -> Grade:
    """The grade recorded when grading itself failed: incorrect, and flagged so it cannot allow."""
    return Grade(
        id=request.id,
        kind=request.kind,
        verdict=Verdict.INCORRECT,
        score=0.0,
        method="error",
        reason=f"grader failed: {error}",
        flags=[GradeFlag.GRADER_ERROR],
    )
