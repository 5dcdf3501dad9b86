"""The question-engine contract shared by the template and LLM engines."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Protocol

from pydantic import BaseModel, Field

from context.models import ContextItem, Employee, PublicProfile
from questions.models import DroppedQuestion, Question


class RankedFact(BaseModel):
    """A context item scored for how good a question it makes (see questions/facts.py)."""

    item: ContextItem
    score: float
    reasons: list[str] = Field(default_factory=list)


class EngineRequest(BaseModel):
    employee: Employee
    profile: PublicProfile | None
    facts: list[RankedFact]  # best first; the LLM engine sends only the top K
    count: int  # how many questions are wanted
    now: datetime


class EngineOutput(BaseModel):
    questions: list[Question]
    dropped: list[DroppedQuestion] = Field(default_factory=list)  # what the engine refused, why
    prompt: str | None = None  # name@vN
    prompt_sha256: str | None = None
    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0  # waiting for the model


class QuestionEngine(Protocol):
    name: ClassVar[str]

    async def generate(self, request: EngineRequest) -> EngineOutput: ...
