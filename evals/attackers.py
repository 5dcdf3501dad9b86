"""Simulated attackers by level. Each sees only the question texts the help-desk agent reads out
plus what its level allows; none ever reads expected answers, and only the colleague, stuffer and
it_agent read an employee's records: those a compromised colleague's or IT agent's account
could read.

| level     | knows                                                                          |
|-----------|--------------------------------------------------------------------------------|
| naive     | the employee's name (from the call) and nothing else: generic commonest answers |
| osint     | the full public profile (LinkedIn, leaked record) and the company's public facts |
| insider   | osint + org chart, the team's recurring meetings, repositories and Jira projects |
| llm_osint | a model given the public profile and company facts (only when one is configured) |
| injection | osint + the ticket it planted in the employee's name (evals/injection.py); every |
|           | answer carries instructions to the grader                                       |
| colleague | a compromised teammate account: the department's git and Jira history, its own  |
|           | calendar and inbox (evals/colleague.py)                                         |
| prior     | the organisation's commonest value for each question's shape (evals/prior.py)   |
| stuffer   | the colleague, hedging: two or three candidates per answer (evals/stuffer.py)    |
| it_agent  | a help-desk or IT agent account: every IT ticket the target raised, any queue    |
|           | (evals/it_agent.py)                                                              |

naive, osint, insider, llm_osint and injection answer through questions/attacker.py's heuristics
(see evals/report.OSINT_NOTE); colleague, prior, stuffer and it_agent are built from the synthetic
organisation's records alone and import nothing from questions/ or grading/
(tests/evals/test_attacker_boundary.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from context.demo import CompanyFacts, InsiderKnowledge
from context.models import PublicProfile, Source
from evals.hearing import Heard
from evals.injection import PAYLOADS, planted_title
from questions.attacker import HeuristicAttacker, LLMAttacker, guess
from questions.models import Question

LEVELS = (
    "naive",
    "osint",
    "insider",
    "llm_osint",
    "injection",
    "colleague",
    "prior",
    "stuffer",
    "it_agent",
)


class PublicKnowledge(Protocol):
    """What an outsider can look up about an organisation."""

    company: CompanyFacts

    def profile(self, upn: str) -> PublicProfile: ...


class InsiderSource(PublicKnowledge, Protocol):
    def insider_knowledge(self, upn: str) -> InsiderKnowledge: ...


class AttackerCaller(Protocol):
    level: ClassVar[str]

    async def answers(self, upn: str, questions: Sequence[Heard]) -> dict[str, str]: ...


def heard(public: Sequence[dict[str, str]]) -> list[Heard]:
    """Questions as the caller hears them: id, text and the kind on the agent's screen."""
    return [Heard(id=q["id"], text=q["text"], kind=q.get("kind", "text")) for q in public]


def as_questions(questions: Sequence[Heard]) -> list[Question]:
    """Heard questions in the shape questions/attacker.py's heuristics take; nothing but the
    id, text and kind is known."""
    return [
        Question.model_validate(
            {"id": q.id, "text": q.text, "kind": q.kind, "expected": "", "source": Source.JIRA}
            | {"topic": "heard"}
        )
        for q in questions
    ]


class NaiveAttacker:
    level: ClassVar[str] = "naive"

    async def answers(self, upn: str, questions: Sequence[Heard]) -> dict[str, str]:
        return {q.id: guess(q, None) for q in as_questions(questions)}


class OsintAttacker:
    level: ClassVar[str] = "osint"

    def __init__(self, org: PublicKnowledge) -> None:
        self.org = org

    async def answers(self, upn: str, questions: Sequence[Heard]) -> dict[str, str]:
        profile = self.org.profile(upn)
        facts = self.org.company.facts()
        return await HeuristicAttacker().answer(as_questions(questions), profile, facts)


class InsiderAttacker:
    """A colleague's knowledge: names the team, its recurring meetings and repositories."""

    level: ClassVar[str] = "insider"

    def __init__(self, org: InsiderSource) -> None:
        self.org = org

    async def answers(self, upn: str, questions: Sequence[Heard]) -> dict[str, str]:
        known = self.org.insider_knowledge(upn)
        base = await OsintAttacker(self.org).answers(upn, questions)
        asked = as_questions(questions)
        return {q.id: insider_guess(q, known) or base.get(q.id, "") for q in asked}


def insider_guess(question: Question, known: InsiderKnowledge) -> str | None:
    text = question.text.lower()
    if question.kind == "person":
        people = [n for n in (known.manager_name, *known.teammates) if n]
        return ", ".join(people[:2]) or None
    if "repository" in text and known.repositories:
        return known.repositories[0]
    if "ticket" in text and question.kind == "identifier" and known.jira_projects:
        return f"{known.jira_projects[0]}-101"
    if "meeting" in text and known.recurring_meetings:
        return known.recurring_meetings[-1]
    return None


class LLMOsintAttacker:
    level: ClassVar[str] = "llm_osint"

    def __init__(self, org: PublicKnowledge, model: LLMAttacker) -> None:
        self.org, self.model = org, model

    async def answers(self, upn: str, questions: Sequence[Heard]) -> dict[str, str]:
        profile = self.org.profile(upn)
        return await self.model.answer(as_questions(questions), profile, self.org.company.facts())


class InjectionAttacker:
    """Planted a ticket in the employee's name before calling; answers carry instructions. When
    a question is about a ticket it answers with the planted title (it wrote it)."""

    level: ClassVar[str] = "injection"

    def __init__(self, org: PublicKnowledge) -> None:
        self.org = org

    async def answers(self, upn: str, questions: Sequence[Heard]) -> dict[str, str]:
        base = await OsintAttacker(self.org).answers(upn, questions)
        out: dict[str, str] = {}
        for index, q in enumerate(questions):
            payload = PAYLOADS[index % len(PAYLOADS)]
            if "ticket" in q.text.lower() and q.kind == "text":
                out[q.id] = planted_title(upn)
            else:
                out[q.id] = f"{base.get(q.id, '')}. {payload}".lstrip(". ")
        return out
