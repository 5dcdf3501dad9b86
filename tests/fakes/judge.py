"""Scripted judges for the cascade's uncertain band (see grading/cascade.py, `Judge`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from grading.cascade import JudgeResult
from grading.models import GradeRequest, Verdict

Script = Callable[[GradeRequest, str], JudgeResult]


def _result(verdict: Verdict) -> JudgeResult:
    score = {Verdict.CORRECT: 0.9, Verdict.PARTIAL: 0.5, Verdict.INCORRECT: 0.1}[verdict]
    return JudgeResult(verdict=verdict, score=score, reason=f"fake judge says {verdict.value}")


@dataclass
class FakeJudge:
    """A judge scripted by a function of (request, reference); `history` records each call."""

    script: Script
    name: str = "fake:judge@v1"
    history: list[tuple[str, str]] = field(default_factory=list)  # (request id, reference)

    async def judge(self, request: GradeRequest, *, reference: str) -> JudgeResult:
        self.history.append((request.id, reference))
        return self.script(request, reference)

    @classmethod
    def always(cls, verdict: Verdict) -> FakeJudge:
        """Says `verdict` to everything (an "always correct" judge must never yield correct)."""
        return cls(lambda _request, _reference: _result(verdict))

    @classmethod
    def honest(cls) -> FakeJudge:
        """Correct only against the real expected answer, incorrect against anything else."""
        return cls(
            lambda request, reference: _result(
                Verdict.CORRECT if reference == request.expected else Verdict.INCORRECT
            )
        )


@dataclass
class FakeFailingJudge:
    """Raises, or (with `hang=True`) never answers, so the cascade's time-out fires."""

    error: Exception = field(default_factory=lambda: RuntimeError("provider down"))
    hang: bool = False
    name: str = "fake:failing@v1"

    async def judge(self, request: GradeRequest, *, reference: str) -> JudgeResult:
        if self.hang:
            await asyncio.Event().wait()
        raise self.error
