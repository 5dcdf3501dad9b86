"""What a verification stores beyond its plain columns, as typed records: how its question set
was written, what its context collection read and used, its decision and grades. Storage
converts them to and from JSON (api/storage.py, `JSONRecord`); everything else reads fields."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from context.collect import SourceStatus
from context.connectors.base import AccessRecord
from context.models import ItemKind, Source
from prompts.llm import Usage
from questions.models import DroppedQuestion


class TicketRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system: str = Field(min_length=1, max_length=40)
    id: str = Field(min_length=1, max_length=100)


class CallerRef(BaseModel):
    """Where the call comes from: the calling number (as the phone system shows it) and the
    channel. Used for throttling and velocity (one number calling about many employees)."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(
        min_length=3,
        max_length=32,
        pattern=r"^\+?[0-9 ()./-]{3,32}$",
        json_schema_extra={"examples": ["+1 312 555 0100"]},
    )
    channel: Literal["phone", "voip", "teams", "chat", "walk_in", "other"] = "phone"

    @property
    def key(self) -> str:
        """The number as counted: digits only, with the leading + kept."""
        digits = re.sub(r"\D", "", self.number)
        return f"+{digits}" if self.number.strip().startswith("+") else digits


class ModelUsage(BaseModel):
    """Model calls of one phase of a verification, from the service's meter."""

    calls: int = 0  # attempts made, failed ones included
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0  # waiting for the model (the engine's latency, per verification)

    @classmethod
    def of(cls, usage: Usage) -> ModelUsage:
        return cls.model_validate(asdict(usage))


class LlmUsage(BaseModel):
    questions: ModelUsage = Field(default_factory=ModelUsage)  # engine and attacker check
    grading: ModelUsage | None = None  # the judge, once the answers are in

    def total(self) -> ModelUsage:
        parts = [self.questions, *([self.grading] if self.grading else [])]
        return ModelUsage(
            calls=sum(p.calls for p in parts),
            prompt_tokens=sum(p.prompt_tokens for p in parts),
            completion_tokens=sum(p.completion_tokens for p in parts),
            cost_usd=sum(p.cost_usd for p in parts),
        )


class Generation(BaseModel):
    """How the question set was written: engine, prompt name@vN and hash, fallback, usage."""

    employee: str
    engine: str
    prompt: str | None = None
    prompt_sha256: str | None = None
    fallback_reason: str | None = None
    generated_at: datetime
    timezone: str = "UTC"  # the employee's: anchors "yesterday" when grading
    llm_usage: LlmUsage = Field(default_factory=LlmUsage)


class QuestionSetRecord(Generation):
    dropped: list[DroppedQuestion] = Field(default_factory=list)  # what the checks refused, why

    def generation(self) -> Generation:
        return Generation.model_validate(self.model_dump(exclude={"dropped"}))


class EvidenceRef(BaseModel):
    """A context item a question was drawn from, by reference: the item is never stored."""

    id: str
    source: Source
    kind: ItemKind
    when: datetime
    connector: str
    ref: str


class CollectionRecord(BaseModel):
    """What the context collection read (sources, accesses) and used (evidence references)."""

    window_start: datetime
    window_end: datetime
    sources: list[SourceStatus] = Field(default_factory=list)
    degraded_sources: list[str] = Field(default_factory=list)
    filtered: dict[str, int] = Field(default_factory=dict)  # privacy filter: reason -> items
    screened: dict[str, int] = Field(default_factory=dict)  # kept out of questions: reason -> n
    items_seen: int = 0
    accesses: list[AccessRecord] = Field(default_factory=list)
    evidence: list[EvidenceRef] = Field(default_factory=list)
    # Sources the scope settings left out for this employee (not called); security/audit only.
    out_of_scope: list[str] = Field(default_factory=list)


class PurgedQuestion(BaseModel):
    """What the retention purge keeps of an asked question: no text, answer or evidence."""

    id: str
    kind: str
    topic: str
    source: Source


class PurgedEvidence(BaseModel):
    """An evidence reference reduced to the employee's keyed hash of it (api/pseudonyms.py):
    with the employee's key one can still check whether a given item was used; after erasure
    no one can."""

    source: Source
    kind: ItemKind
    connector: str
    digest: str


class PurgeRecord(BaseModel):
    """Set when a verification's content was deleted (api/retention.py)."""

    at: datetime
    questions: list[PurgedQuestion] = Field(default_factory=list)
    evidence: list[PurgedEvidence] = Field(default_factory=list)
    dropped: int = 0  # questions the checks refused, texts deleted
    accesses: int = 0  # calls to the sources, endpoints reduced to keyed hashes
