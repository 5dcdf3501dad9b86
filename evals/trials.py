"""What one simulated call recorded, and one configuration's run: the tallies metrics read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from evals.config import EvalConfig
from grading.policy import Policy

if TYPE_CHECKING:
    from evals.tally import CallerTally

GENUINE = "genuine"


@dataclass
class Trial:
    config: str
    caller: str  # genuine | naive | osint | insider | llm_osint | injection
    upn: str
    role: str
    action: str
    decision: str  # allow | deny | escalate
    reasons: list[str]
    early: bool  # decided before asking (too little context, too many attempts)
    questions: list[dict[str, Any]]  # as stored server-side: text, kind, expected, evidence ...
    answers: dict[str, str]  # question id -> what the caller said
    grades: list[dict[str, Any]]
    dropped: list[dict[str, Any]]  # questions the pipeline dropped, with the check that did
    timezone: str
    asked_at: datetime
    latency_s: float
    model_calls: int = 0
    tokens: int = 0
    ungrounded: list[str] = field(default_factory=list)  # asked questions failing a re-check

    @property
    def passed(self) -> bool:
        return self.decision == "allow"


@dataclass
class ConfigRun:
    """One configuration's run: a tally per caller kind, in the order the callers ran."""

    config: EvalConfig
    tallies: dict[str, CallerTally]
    policy: Policy
    engine: str
    skipped: dict[str, str] = field(default_factory=dict)  # level -> why it was not run

    @property
    def callers(self) -> list[str]:
        return list(self.tallies)
