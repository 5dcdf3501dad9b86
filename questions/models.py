"""Questions and question sets. Expected answers, variants and evidence are server-side only:
the help-desk role sees a question's id, text and kind (api/schemas.py `QuestionPublic`).
Model usage is counted once, by the service's meter (prompts.llm.metered)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from context.models import Source
from vocabulary.answers import AnswerKind


class Question(BaseModel):
    id: str
    text: str
    kind: AnswerKind
    expected: str
    variants: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)  # ContextItem ids
    source: Source
    topic: str  # template or LLM topic, e.g. "meeting.attendees"
    fact_time: datetime | None = None  # when the fact happened (for day diversity)
    engine: str = "template"
    # Who else could answer (questions/exposure.py): the fact it rests on (two questions on one
    # ticket are one lookup), how many others could know the answer, how common the answer is
    # among the employee's work, who they are (names; "repository:x" for a group), and from
    # both the chance someone else answers it right.
    fact: str = ""
    audience: int | None = None
    knowers: list[str] = Field(default_factory=list)  # the people and groups who could answer
    prior: float | None = Field(default=None, ge=0.0, le=1.0)
    guess_probability: float | None = Field(default=None, ge=0.0, le=1.0)


class DroppedQuestion(BaseModel):
    text: str
    check: str  # grounded | names_audience | leak | public | attacker | duplicate | set
    reason: str


class QuestionSet(BaseModel):
    employee: str
    engine: str
    questions: list[Question]
    dropped: list[DroppedQuestion] = Field(default_factory=list)
    prompt: str | None = None  # name@vN when an LLM wrote it
    prompt_sha256: str | None = None
    fallback_reason: str | None = None
    facts_asked_recently: int = 0  # facts withheld: asked of this employee in the last 24 h
    generated_at: datetime
