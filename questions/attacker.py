"""Simulated impostors used to vet questions before they are asked.

An attacker answers with what an outsider knows: the public profile, public company facts and the
commonest answers at any company. The pipeline grades the answers and drops questions an attacker
passes. Answers are keyed by question id, or by question text when ids are not (yet) unique.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

import structlog

from context.models import PublicProfile
from prompts.config import LLMConfig, PromptVersions
from prompts.errors import LLMError
from prompts.llm import ModelClient, complete_structured
from prompts.registry import get_prompt, render
from prompts.schemas import AttackerAnswers
from questions.models import Question

log = structlog.get_logger(__name__)


class Attacker(Protocol):
    async def answer(
        self, questions: list[Question], profile: PublicProfile | None, company_facts: list[str]
    ) -> dict[str, str]: ...


def answer_key(question: Question, questions: Sequence[Question]) -> str:
    """The question's id when it is set and unique, else its text."""
    ids = [q.id for q in questions]
    return question.id if question.id and ids.count(question.id) == 1 else question.text


Guess = Callable[[Question, PublicProfile | None], str]


def _manager(_: Question, profile: PublicProfile | None) -> str:
    return profile.manager_name if profile and profile.manager_name else "my manager"


def _repository(_: Question, profile: PublicProfile | None) -> str:
    if profile and profile.public_projects:
        return re.sub(r"[^a-z0-9]+", "-", profile.public_projects[0].lower()).strip("-")
    return "main"


def _ticket(_: Question, profile: PublicProfile | None) -> str:
    department = profile.department if profile else "IT"
    key = re.sub(r"[^A-Z]", "", department.upper())[:4] or "IT"
    return f"{key}-1234"


# (kinds or None for any, keywords in the question or () for any, guess): first match wins.
RULES: list[tuple[frozenset[str] | None, tuple[str, ...], Guess]] = [
    (None, ("repository", "repo ", "pushed to", "push to"), _repository),
    (None, ("branch",), lambda q, p: "main"),
    (frozenset({"identifier"}), ("ticket", "issue", "jira", "key"), _ticket),
    (frozenset({"identifier"}), ("commit", "hash", "sha"), lambda q, p: "a1b2c3d"),
    (None, ("tool", "tracker", "system"), lambda q, p: "Jira"),
    (frozenset({"person"}), (), _manager),
    (frozenset({"datetime"}), (), lambda q, p: "this morning"),
    (None, ("mail", "email", "sent"), lambda q, p: "weekly status update"),
    (None, ("commit", "change"), lambda q, p: "fixed the failing tests"),
    (frozenset({"identifier"}), (), _ticket),
    (None, (), lambda q, p: "the daily standup"),
]


class HeuristicAttacker:
    """No model: the answers a prepared impostor would try first."""

    async def answer(
        self, questions: list[Question], profile: PublicProfile | None, company_facts: list[str]
    ) -> dict[str, str]:
        return {answer_key(q, questions): guess(q, profile) for q in questions}


def guess(question: Question, profile: PublicProfile | None) -> str:
    text = question.text.lower()
    for kinds, keywords, rule in RULES:
        if (kinds is None or question.kind in kinds) and (
            not keywords or any(k in text for k in keywords)
        ):
            return rule(question, profile)
    return "the daily standup"


class LLMAttacker:
    """The `attacker` prompt: sees only the public profile (without the leaked personal record),
    public company facts and the question texts. On an LLM failure it falls back to the
    heuristic attacker, so vetting still happens."""

    def __init__(
        self,
        config: LLMConfig,
        versions: PromptVersions | None = None,
        *,
        client: ModelClient | None = None,
        fallback: Attacker | None = None,
        withhold: set[str] | None = None,
    ) -> None:
        self.config = config
        self.versions = versions or PromptVersions()
        self.client = client
        self.fallback: Attacker = fallback or HeuristicAttacker()
        self.last_error: str | None = None
        # Profile fields never sent: the UPN and the leaked record always; the service's check
        # withholds the name too (SERVICE_WITHHELD); an evaluation's impostor may keep it.
        self.withhold = PROFILE_WITHHELD | (withhold or set())

    async def answer(
        self, questions: list[Question], profile: PublicProfile | None, company_facts: list[str]
    ) -> dict[str, str]:
        if not questions:
            return {}
        spec = get_prompt(self.versions.ref("attacker"))
        local_ids = _local_ids(questions)
        variables = attacker_variables(questions, profile, company_facts, self.withhold)
        try:
            result = await complete_structured(
                self.config, render(spec, variables), AttackerAnswers,
                defaults=spec.model, client=self.client,
            )  # fmt: skip
        except LLMError as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("llm_attacker_failed", error=type(exc).__name__)
            return await self.fallback.answer(questions, profile, company_facts)
        return {
            answer_key(local_ids[g.question_id], questions): g.answer.strip()[:300]
            for g in result.parsed.answers
            if g.question_id in local_ids
        }


PROFILE_WITHHELD = {"upn", "leaked"}
SERVICE_WITHHELD = {"name"}  # the question check needs no name to guess


class ModelWrittenOnly:
    """The service's attacker check: the model attacker vets only the questions a model wrote;
    template questions (known shapes, measured by `deskguard eval` against these heuristics)
    get the heuristic attacker, so a template set makes no model call."""

    def __init__(self, model: Attacker, heuristic: Attacker | None = None) -> None:
        self.model = model
        self.heuristic: Attacker = heuristic or HeuristicAttacker()

    async def answer(
        self, questions: list[Question], profile: PublicProfile | None, company_facts: list[str]
    ) -> dict[str, str]:
        written = [q for q in questions if q.engine == "llm"]
        templated = [q for q in questions if q.engine != "llm"]
        out: dict[str, str] = {}
        for attacker, part in ((self.model, written), (self.heuristic, templated)):
            if not part:
                continue
            answers = await attacker.answer(part, profile, company_facts)
            for q in part:
                said = answers.get(answer_key(q, part))
                if said is not None:
                    out[answer_key(q, questions)] = said
        return out


def _local_ids(questions: list[Question]) -> dict[str, Question]:
    """Questions renamed a1, a2...: the model never sees the verification's own ids."""
    return {f"a{i}": q for i, q in enumerate(questions, start=1)}


def attacker_variables(
    questions: list[Question],
    profile: PublicProfile | None,
    company_facts: list[str],
    withhold: set[str] = PROFILE_WITHHELD,
) -> dict[str, object]:
    """What the attacker prompt is rendered with: public data and the question texts only.
    Neither the UPN (an e-mail address) nor the leaked personal record (birth date, phone...)
    helps answer work questions: neither reaches a model provider."""
    return {
        "profile": profile.model_dump(mode="json", exclude=withhold) if profile else None,
        "company_facts": company_facts,
        "questions": [{"id": key, "text": q.text} for key, q in _local_ids(questions).items()],
    }
