"""DESKGUARD_LLM__EGRESS in the service's wiring: with `none` no component calls a model. The
question engine is the template engine, the attacker check the heuristic attacker, and the
judge's place is held by `ClosedJudge`, which refuses every answer, so the cascade marks the
uncertain band `judge_unavailable` and the decision policy escalates it (never allows)."""

from __future__ import annotations

from api.errors import ConfigurationError
from api.settings import Settings
from grading.cascade import JudgeResult
from grading.models import GradeRequest
from prompts.egress import refuse_if_closed
from vocabulary.fides import unknown_categories


class ClosedJudge:
    """The judge under DESKGUARD_LLM__EGRESS=none: never calls anything, always refuses."""

    def __init__(self, settings: Settings) -> None:
        self.name = "egress:none"
        self.config = settings.llm

    async def judge(self, request: GradeRequest, *, reference: str) -> JudgeResult:
        refuse_if_closed(self.config)
        raise AssertionError("ClosedJudge is only built with DESKGUARD_LLM__EGRESS=none")


def check_egress_settings(settings: Settings) -> None:
    """Refuse a configuration that can never send what it is set up to send."""
    config = settings.llm
    unknown = unknown_categories(config.never_send) if config.configured else []
    if unknown:
        raise ConfigurationError(
            f"DESKGUARD_LLM__NEVER_SEND: {unknown} are not fideslang data categories"
        )
    if config.closed and settings.questions.engine == "llm":
        raise ConfigurationError(
            "DESKGUARD_QUESTIONS__ENGINE=llm needs a model call, which DESKGUARD_LLM__EGRESS=none "
            "forbids"
        )
