"""What a matcher returns before the cascade turns it into a Grade."""

from __future__ import annotations

from dataclasses import dataclass, field

from grading.models import Verdict


@dataclass(frozen=True)
class Match:
    verdict: Verdict
    score: float
    method: str
    reason: str
    # True when the deterministic matchers cannot decide (text and person kinds only): the
    # cascade sends these to the judge, or caps them at partial when there is none.
    uncertain: bool = False
    flags: tuple[str, ...] = field(default_factory=tuple)


def clamp(score: float) -> float:
    return max(0.0, min(1.0, round(score, 3)))
